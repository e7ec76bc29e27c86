"""Bulk import of enterprises from CSV (UTF-8 or GBK) or .xlsx.

A file is read and every row validated first, with progress saved as it goes; then the
valid rows go in together in one transaction, keyed by credit code, so importing the same
file twice updates instead of duplicating. Rejected rows are reported with the reason."""

import csv
import io
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from parkos.core.audit import audit_record
from parkos.core.errors import ValidationFailed
from parkos.parks import permissions
from parkos.parks.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseSize,
    ImportStatus,
    Industry,
    Park,
)
from parkos.parks.services import enterprise_validate

REQUIRED_COLUMNS = ("name", "credit_code", "industry")
COLUMN_ALIASES = {
    "name": ("name", "企业名称", "名称", "enterprise"),
    "name_en": ("name_en", "英文名称", "english name"),
    "credit_code": ("credit_code", "统一社会信用代码", "信用代码", "credit code"),
    "industry": ("industry", "行业"),
    "size": ("size", "规模", "企业规模"),
    "headcount": ("headcount", "人数", "员工人数", "employees"),
    "description": ("description", "简介", "企业简介"),
    "park": ("park", "园区", "园区代码"),
}
PROGRESS_EVERY = 200


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a choice by its value, English label or Chinese label."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        for language in ("en", "zh-hans"):
            with override(language):
                lookup[str(label).lower()] = value
    return lookup


def decode_text(content: bytes) -> str:
    if b"\x00" in content:
        raise ValidationFailed.for_field(
            "file",
            _("The file is not UTF-8 or GBK text (it looks like UTF-16 or a binary file)."),
            code="encoding",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed.for_field(
        "file", _("The file is neither UTF-8 nor GBK text."), code="encoding"
    )


def read_rows(file_name: str, content: bytes) -> list[dict[str, Any]]:
    """The file's rows as dicts keyed by canonical column names; file-level problems raise."""
    if not content.strip():
        raise ValidationFailed.for_field("file", _("The file is empty."), code="empty")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ValidationFailed.for_field(
            "file",
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if content[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        header, body = _read_xlsx(content)
    else:
        text = decode_text(content)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        header = next(reader, [])
        body = list(reader)
    columns = _resolve_columns(header)
    rows = []
    for cells in body:
        if not any(str(cell or "").strip() for cell in cells):
            continue
        rows.append(
            {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        )
    if not rows:
        raise ValidationFailed.for_field(
            "file", _("The file has a header but no rows."), code="empty"
        )
    return rows


def _read_xlsx(content: bytes):
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as broken:
        raise ValidationFailed.for_field(
            "file", _("The spreadsheet cannot be read."), code="unreadable"
        ) from broken
    sheet = workbook.worksheets[0]
    values = [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    if not values:
        raise ValidationFailed.for_field("file", _("The file is empty."), code="empty")
    return [str(cell) for cell in values[0]], values[1:]


def _resolve_columns(header: list[str]) -> dict[str, int]:
    normalized = [str(cell or "").strip().lower() for cell in header]
    columns = {}
    for name, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias.lower() in normalized:
                columns[name] = normalized.index(alias.lower())
                break
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationFailed.for_field(
            "file",
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)},
            code="missing_columns",
        )
    return columns


def import_start(*, actor, park: Park, file_name: str, content: bytes) -> EnterpriseImport:
    """Check the file can be read at all, then queue it; the caller polls the job."""
    permissions.require_manage_park(actor, park.id)
    rows = read_rows(file_name, content)
    job = EnterpriseImport.objects.create(
        created_by=actor,
        park=park,
        file_name=file_name[:200],
        content=content,
        total_rows=len(rows),
    )
    from parkos.core.jobs import enqueue
    from parkos.parks.tasks import run_enterprise_import

    enqueue(run_enterprise_import, str(job.id))
    return job


def import_run(*, job: EnterpriseImport) -> EnterpriseImport:
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        rows = read_rows(job.file_name, bytes(job.content))
    except ValidationFailed as unreadable:
        job.status, job.error, job.finished_at = (
            ImportStatus.FAILED,
            unreadable.message,
            timezone.now(),
        )
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    industries = _choice_lookup(Industry)
    sizes = _choice_lookup(EnterpriseSize)
    parks_by_code = {park.code: park for park in Park.objects.all()}
    accepted: dict[str, dict[str, Any]] = {}
    rejected: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):
        data = dict(row)
        data["industry"] = industries.get(
            str(data.get("industry", "")).strip().lower(), data.get("industry")
        )
        if data.get("size"):
            data["size"] = sizes.get(str(data["size"]).strip().lower(), data["size"])
        park_code = str(data.pop("park", "") or "").strip()
        data["park"] = parks_by_code.get(park_code) if park_code else job.park
        try:
            cleaned = enterprise_validate(data, check_unique=False)
            if not permissions.can_manage_park(job.created_by, cleaned["park"].id):
                raise ValidationFailed.for_field("park", _("You do not manage this park."))
            if cleaned["credit_code"] in accepted:
                raise ValidationFailed.for_field(
                    "credit_code",
                    _("The same credit code is on row %(row)s.")
                    % {"row": accepted[cleaned["credit_code"]]["row"]},
                )
            accepted[cleaned["credit_code"]] = {"row": number, "data": cleaned}
        except ValidationFailed as invalid:
            rejected.append(
                {
                    "row": number,
                    "name": str(row.get("name", ""))[:100],
                    "errors": {
                        field: [str(m) for m in messages]
                        for field, messages in invalid.fields.items()
                    },
                }
            )
        if number % PROGRESS_EVERY == 0:
            EnterpriseImport.objects.filter(pk=job.pk).update(processed_rows=number - 1)
    created, updated = _write(job, [entry["data"] for entry in accepted.values()])
    job.processed_rows = len(rows)
    job.created_count, job.updated_count = created, updated
    job.rejected = rejected
    job.status, job.finished_at = ImportStatus.DONE, timezone.now()
    job.save(
        update_fields=[
            "processed_rows",
            "created_count",
            "updated_count",
            "rejected",
            "status",
            "finished_at",
        ]
    )
    return job


@transaction.atomic
def _write(job: EnterpriseImport, rows: list[dict[str, Any]]) -> tuple[int, int]:
    existing = Enterprise.objects.select_for_update().in_bulk(
        [row["credit_code"] for row in rows], field_name="credit_code"
    )
    to_create, to_update = [], []
    for row in rows:
        enterprise = existing.get(row["credit_code"])
        if enterprise is None:
            to_create.append(Enterprise(**row))
        else:
            for name, value in row.items():
                setattr(enterprise, name, value)
            to_update.append(enterprise)
    Enterprise.objects.bulk_create(to_create, batch_size=500)
    Enterprise.objects.bulk_update(
        to_update,
        ["name", "name_en", "park", "industry", "size", "headcount", "description"],
        batch_size=500,
    )
    audit_record(
        actor=job.created_by,
        action="enterprise.import",
        instance=job,
        park_id=job.park_id,
        changes={"created": len(to_create), "updated": len(to_update), "file": job.file_name},
    )
    return len(to_create), len(to_update)


def import_get(*, actor, job_id) -> EnterpriseImport:
    from django.http import Http404

    job = EnterpriseImport.objects.filter(pk=job_id).first()
    if job is None or not (
        job.created_by_id == actor.pk or permissions.can_manage_park(actor, job.park_id)
    ):
        raise Http404
    return job
