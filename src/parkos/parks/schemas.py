from datetime import date
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from parkos.core.schemas import OutSchema


class ParkOut(OutSchema):
    id: UUID
    code: str
    name: str
    name_en: str
    city: str
    address: str
    parent: UUID | None = Field(None, alias="parent_id")
    latitude: Decimal | None
    longitude: Decimal | None
    opened_on: date | None


class ParkIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = ""
    city: str = Field(..., min_length=1, max_length=50)
    address: str = ""
    parent: UUID | None = None
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    opened_on: date | None = None


class ParkPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = None
    city: str | None = None
    address: str | None = None
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    opened_on: date | None = None


class BuildingOut(OutSchema):
    id: UUID
    park: UUID = Field(..., alias="park_id")
    zone: UUID | None = Field(None, alias="zone_id")
    name: str
    latitude: Decimal | None
    longitude: Decimal | None


class BuildingIn(Schema):
    park: UUID
    name: str = Field(..., min_length=1, max_length=100)
    zone: UUID | None = None
    floors: int = Field(0, ge=0, le=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class BuildingPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class UnitOut(Schema):
    id: UUID
    building: UUID = Field(..., alias="floor.building_id")
    level: int = Field(..., alias="floor.level")
    number: str
    area: Decimal


class UnitIn(Schema):
    building: UUID
    level: int = Field(..., ge=-10, le=300)
    number: str = Field(..., min_length=1, max_length=20)
    area: Decimal = Field(..., max_digits=10, decimal_places=2)


class UnitPatch(Schema):
    number: str | None = Field(None, min_length=1, max_length=20)
    area: Decimal | None = Field(None, max_digits=10, decimal_places=2)


class EnterpriseOut(OutSchema):
    id: UUID
    name: str
    name_en: str
    credit_code: str
    park: UUID = Field(..., alias="park_id")
    industry: str
    size: str
    headcount: int
    description: str


class EnterpriseIn(Schema):
    name: str
    credit_code: str
    park: UUID
    industry: str
    name_en: str = ""
    size: str = "small"
    headcount: int = Field(0, ge=0, le=10_000_000)
    description: str = ""


class EnterprisePatch(Schema):
    name: str | None = None
    name_en: str | None = None
    credit_code: str | None = None
    park: UUID | None = None
    industry: str | None = None
    size: str | None = None
    headcount: int | None = Field(None, ge=0, le=10_000_000)
    description: str | None = None


class LeaseOut(OutSchema):
    id: UUID
    unit: UUID = Field(..., alias="unit_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    start: date
    end: date
    monthly_rent: Decimal


class LeaseIn(Schema):
    unit: UUID
    enterprise: UUID
    start: date
    end: date
    monthly_rent: Decimal = Field(..., max_digits=14, decimal_places=2)


class LeasePatch(Schema):
    start: date | None = None
    end: date | None = None
    monthly_rent: Decimal | None = Field(None, max_digits=14, decimal_places=2)


class ParkImportOut(Schema):
    """Any import job; `rejected` lists the refused rows (at most IMPORT_MAX_ERRORS of the
    `error_count`), each problem under its column key, with the columns' labels."""

    id: UUID
    kind: str
    file_name: str
    status: str
    total_rows: int
    processed_rows: int
    created_count: int
    updated_count: int
    error_count: int
    rejected: list[dict]
    error: str

    @staticmethod
    def resolve_rejected(job) -> list[dict]:
        from parkos.core.imports import importer_get

        try:
            importer = importer_get(job.kind)
        except LookupError:
            importer = None
        rows: dict[int, dict] = {}
        for error in job.row_errors.all():
            entry = rows.setdefault(
                error.row, {"row": error.row, "name": error.title, "errors": {}, "columns": {}}
            )
            key = error.column or "__all__"
            entry["errors"].setdefault(key, []).append(error.message)
            if importer is not None and error.column:
                entry["columns"][key] = importer.label_of(error.column)
        return list(rows.values())
