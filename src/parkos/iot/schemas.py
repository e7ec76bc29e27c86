from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema


class DeviceOut(Schema):
    id: UUID
    serial: str
    name: str
    park: UUID = Field(..., alias="park_id")
    building: UUID | None = Field(None, alias="building_id")
    floor: UUID | None = Field(None, alias="floor_id")
    unit: UUID | None = Field(None, alias="unit_id")
    gateway: UUID | None = Field(None, alias="gateway_id")
    type: str
    kind: str
    map_x: float
    map_y: float
    attributes: dict
    last_seen_at: datetime | None
    online: bool

    @staticmethod
    def resolve_type(obj):
        return obj.device_type.code

    @staticmethod
    def resolve_kind(obj):
        return obj.device_type.kind

    @staticmethod
    def resolve_online(obj):
        return obj.is_online()


class LatestOut(Schema):
    key: str
    ts: datetime
    value: float | None
    text: str | None


class DeviceDetailOut(DeviceOut):
    latest: list[LatestOut]


class DeviceIn(Schema):
    park: UUID
    type: str
    serial: str
    name: str = ""
    building: UUID | None = None
    floor: UUID | None = None
    unit: UUID | None = None
    gateway: UUID | None = None
    map_x: float = 50
    map_y: float = 50
    attributes: dict = {}


class CredentialOut(Schema):
    device: UUID
    token: str
    mqtt_username: str
    mqtt_topic: str


class IotImportOut(Schema):
    created: int
    tokens: dict[str, str]


class PointOut(Schema):
    ts: datetime
    value: float | None = None
    text: str | None = None
    avg: float | None = None
    min: float | None = None
    max: float | None = None
    last: float | None = None
    count: int | None = None


class SeriesOut(Schema):
    device: UUID
    key: str
    bucket: int | None
    points: list[PointOut]


class Condition(Schema):
    key: str
    comparison: Literal["above", "below", "outside"]
    low: float | None = None
    high: float | None = None


class IotRuleIn(Schema):
    park: UUID
    name: str
    kind: Literal["threshold", "rate", "no_data", "combination"]
    device_type: str | None = None
    device: UUID | None = None
    key: str = ""
    comparison: str = ""
    low: float | None = None
    high: float | None = None
    duration: int = 0
    rate_per_minute: float | None = None
    silence_minutes: int | None = None
    conditions: list[Condition] = []
    severity: str
    opens_ticket: bool = False
    ticket_category: str = ""
    ticket_priority: str = ""
    auto_clear: bool = False
    enabled: bool = True


class RulePatch(Schema):
    name: str | None = None
    low: float | None = None
    high: float | None = None
    duration: int | None = None
    severity: str | None = None
    enabled: bool | None = None
    auto_clear: bool | None = None
    opens_ticket: bool | None = None
    ticket_category: str | None = None
    ticket_priority: str | None = None


class IotRuleOut(Schema):
    id: UUID
    park: UUID = Field(..., alias="park_id")
    name: str
    kind: str
    device_type: str | None
    device: UUID | None = Field(None, alias="device_id")
    key: str
    comparison: str
    low: float | None
    high: float | None
    duration: int
    rate_per_minute: float | None
    silence_minutes: int | None
    conditions: list
    severity: str
    opens_ticket: bool
    ticket_category: str
    ticket_priority: str
    auto_clear: bool
    enabled: bool

    @staticmethod
    def resolve_device_type(obj):
        return obj.device_type.code if obj.device_type_id else None


class AlarmOut(Schema):
    id: UUID
    park: UUID = Field(..., alias="park_id")
    building: UUID | None = Field(None, alias="building_id")
    device: UUID | None = Field(None, alias="device_id")
    rule: UUID | None = Field(None, alias="rule_id")
    source: str
    severity: str
    status: str
    title: str
    message: str
    value: float | None
    count: int
    raised_at: datetime
    last_raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    cleared_at: datetime | None
    cleared_by: str | None
    assignee: UUID | None = Field(None, alias="assignee_id")
    ticket: UUID | None = Field(None, alias="ticket_id")

    @staticmethod
    def resolve_title(obj):
        return obj.title_text

    @staticmethod
    def resolve_message(obj):
        return obj.message_text

    @staticmethod
    def resolve_acknowledged_by(obj):
        return obj.acknowledged_by.username if obj.acknowledged_by else None

    @staticmethod
    def resolve_cleared_by(obj):
        return obj.cleared_by.username if obj.cleared_by else None


class AlarmEventOut(Schema):
    kind: str
    at: datetime
    actor: str | None
    note: str
    data: dict

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor else None

    @staticmethod
    def resolve_note(obj):
        return obj.note_text


class AlarmDetailOut(AlarmOut):
    history: list[AlarmEventOut]
    ticket_summary: dict | None
    # What the caller may do with the alarm now (workflows.ALARM), e.g. ["acknowledge", "clear"].
    actions: list[str]


class IotNoteIn(Schema):
    note: str = ""


class CommentIn(Schema):
    text: str


class AssignIn(Schema):
    assignee: UUID | None
