from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class AreaOut(Schema):
    id: UUID
    park: UUID = Field(..., alias="park_id")
    name: str
    kind: str
    capacity: int
    warning_threshold: int
    critical_threshold: int
    counter_count: int
    map_x: float
    map_y: float


class AreaIn(Schema):
    park: UUID
    name: str
    kind: str
    capacity: int
    warning_threshold: int
    critical_threshold: int
    map_x: float = 50
    map_y: float = 50


class CounterOut(Schema):
    id: UUID
    park: UUID = Field(..., alias="park_id")
    area: UUID | None = Field(None, alias="area_id")
    name: str
    device: UUID | None = Field(None, alias="device_id")
    forecast_model: str
    forecast_is_fallback: bool
    forecast_reason: str
    forecast_updated_at: datetime | None


class ForecastHourOut(Schema):
    starts_at: datetime
    hours_ahead: int
    expected: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float


class ForecastOut(Schema):
    subject: UUID
    name: str
    hours: int
    issued_at: datetime | None
    simple_model_used: bool
    forecast: list[ForecastHourOut]


class WarningOut(Schema):
    id: UUID
    area: UUID = Field(..., alias="area_id")
    area_name: str
    park: UUID
    kind: str
    level: str
    status: str
    expected_at: datetime
    expected_count: int
    threshold: int
    capacity: int
    lead_hours: int
    message: str
    alarm: UUID | None = Field(None, alias="alarm_id")
    raised_at: datetime
    cleared_at: datetime | None

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_message(obj):
        return obj.message_text

    @staticmethod
    def resolve_park(obj):
        return obj.area.park_id

    @staticmethod
    def resolve_capacity(obj):
        return obj.area.capacity


class CrowdImportOut(Schema):
    rows: int
    counts: int
    gaps: int
    sensors: int
    counters_created: int
    first: datetime | None
    last: datetime | None
