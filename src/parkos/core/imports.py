"""The one import pipeline of ParkOS: every CSV or Excel upload of every app goes through it.

An app declares an `Importer` (its columns, how one row is cleaned, how the cleaned rows
are written, who may import) and registers it from its AppConfig.ready with
`register_importer`. The kernel then:

- reads CSV (UTF-8 with or without BOM, GBK/GB18030, comma, semicolon or tab) or .xlsx;
- finds the columns by their key, their label in Chinese or English, or an alias;
- bounds the file (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS) before checking any row;
- cleans every row, collecting each refused row with its number, column and reason
  (bounded by IMPORT_MAX_ERRORS; the rest are counted);
- writes all cleaned rows in one call inside one transaction, and only if no row was
  refused: a file goes in whole or not at all;
- runs as a background job (`import_start`) with progress, or at once (`import_file`) for
  commands and small synchronous uploads;
- keeps the row report as rows (`ImportRowError`), worded in the uploader's language with
  each column named by its label, and gives it as an Excel file (`import_report_xlsx`).
"""

import csv
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parkos.core.errors import NotFound, ServiceError, ValidationFailed
from parkos.core.models import ImportJob, ImportRowError, ImportStatus

logger = logging.getLogger(__name__)


class ImportErrorCode(StrEnum):
    """The `code` of an import's refusal: of the file as a whole, or of its rows."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    ENCODING = "encoding"
    UNREADABLE = "unreadable"
    UNKNOWN_COLUMN = "unknown_column"
    MISSING_COLUMNS = "missing_columns"
    ROWS_REFUSED = "rows_refused"


PROGRESS_EVERY = 500
XLSX_MAGIC = b"PK\x03\x04"
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column an importer reads. `label` (lazy) names it to people in the report;
    the key, the label in every language and `aliases` are accepted as its header."""

    key: str
    label: Any
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None


@dataclass
class ImportContext:
    """What a row cleaner and a writer know of the upload. `state` is theirs to keep
    lookups (loaded once in `prepare`) and what earlier rows held (duplicates, order)."""

    actor: Any
    park_id: UUID | None
    file_name: str
    options: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    job: ImportJob | None = None
    # The number of the row being cleaned, as the spreadsheet shows it.
    row: int = 0


@dataclass(frozen=True)
class Importer:
    """An app's import. `clean_row(row, ctx)` gets `{column key: cell text}` and returns
    the cleaned row or raises ValidationFailed naming the fields (column keys) at fault.
    `write(rows, ctx)` gets every cleaned row at once, inside one transaction, and returns
    a summary dict (`created`, `updated` and anything else the caller shows).
    `permission(actor, ctx)` raises PermissionDenied or a ServiceError when the actor may
    not import (for this park). `prepare(ctx)` loads lookups once, before the rows."""

    kind: str
    label: Any
    columns: tuple[Column, ...]
    clean_row: Callable[[dict[str, str], ImportContext], Any]
    write: Callable[[list[Any], ImportContext], dict]
    permission: Callable[[Any, ImportContext], None]
    prepare: Callable[[ImportContext], None] | None = None
    # The column whose value names a row in the report (a name, a serial).
    title_column: str | None = None
    # Refuse headers that are no column of this importer (instead of ignoring them).
    strict_columns: bool = False
    max_rows: int | None = None
    max_bytes: int | None = None

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)

    def label_of(self, key: str) -> str:
        """A column's label in the active language; problems of no column are the row's."""
        column = self.column(key)
        if column is not None:
            return str(column.label)
        if key in ("", "__all__", "file"):
            return ""
        return key

    @property
    def row_limit(self) -> int:
        return self.max_rows or settings.IMPORT_MAX_ROWS

    @property
    def byte_limit(self) -> int:
        return self.max_bytes or settings.IMPORT_MAX_BYTES


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    value: str = ""
    title: str = ""


class ImportRefused(ValidationFailed):
    """Rows were refused, so nothing was written. `errors` lists the first
    IMPORT_MAX_ERRORS of them; `error_count` counts them all. `fields` maps each column
    key to its problems ("Row 4: ...") for callers that show field errors."""

    default_code = ImportErrorCode.ROWS_REFUSED

    def __init__(self, importer: Importer, errors: list[RowError], error_count: int, total: int):
        self.errors = errors
        self.error_count = error_count
        self.total_rows = total
        first = errors[0]
        fields: dict[str, list[str]] = {}
        for error in errors:
            fields.setdefault(error.column or "file", []).append(
                _("Row %(row)s: %(problem)s") % {"row": error.row, "problem": error.message}
            )
        super().__init__(
            _("Nothing was imported: %(count)s of %(total)s rows have problems. %(first)s")
            % {"count": error_count, "total": total, "first": row_error_text(importer, first)},
            fields=fields,
        )


def row_error_text(importer: Importer, error: RowError) -> str:
    """One problem in words: the row, the column by its label, the reason."""
    label = importer.label_of(error.column)
    if label:
        return _("Row %(row)s, %(column)s: %(problem)s") % {
            "row": error.row,
            "column": label,
            "problem": error.message,
        }
    return _("Row %(row)s: %(problem)s") % {"row": error.row, "problem": error.message}


# ---------------------------------------------------------------------------- registry

_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    """Called from an app's AppConfig.ready; registering the same kind again replaces it
    (the dev server's reloader runs ready twice)."""
    _IMPORTERS[importer.kind] = importer
    return importer


def importer_get(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"No importer of kind {kind!r} is registered.") from None


def importers() -> list[Importer]:
    return list(_IMPORTERS.values())


# ---------------------------------------------------------------------------- reading


def _file_error(message: str, code: str) -> ValidationFailed:
    return ValidationFailed.for_field("file", message, code=code)


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, a superset of GBK and GB2312 that
    Excel on Chinese Windows writes. Other encodings are refused rather than guessed."""
    if b"\x00" in content[:4096]:
        raise _file_error(
            _("The file is not UTF-8 or GBK text (it looks like UTF-16 or a binary file)."),
            ImportErrorCode.ENCODING,
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(_("The file is neither UTF-8 nor GBK text."), ImportErrorCode.ENCODING)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: 12 not 12.0, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _normal(header: Any) -> str:
    text = str(header or "").replace("\ufeff", "").strip().casefold()
    for ignored in (" ", "_", "-", "*", "　"):
        text = text.replace(ignored, "")
    return text


def _header_names(column: Column) -> set[str]:
    names = {_normal(column.key), *(_normal(alias) for alias in column.aliases)}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(_normal(column.label))
    return names


class Table:
    """A readable file: its header resolved to column keys, and its rows, read again on
    each pass so that a large file is never held as rows in memory."""

    def __init__(self, importer: Importer, file_name: str, content: bytes):
        if not content.strip():
            raise _file_error(_("The file is empty."), ImportErrorCode.EMPTY)
        if len(content) > importer.byte_limit:
            raise _file_error(
                _("The file is larger than %(mb)s MB.")
                % {"mb": importer.byte_limit // (1024 * 1024)},
                ImportErrorCode.TOO_LARGE,
            )
        self.importer = importer
        self.is_xlsx = content[:4] == XLSX_MAGIC or file_name.lower().endswith(".xlsx")
        if self.is_xlsx:
            self._workbook = _open_xlsx(content)
        else:
            self._text = decode_text(content)
            try:
                self._dialect = csv.Sniffer().sniff(self._text[:4096], delimiters=",;\t")
            except csv.Error:
                self._dialect = csv.excel
        header = next(self._records(), None)
        if header is None:
            raise _file_error(_("The file is empty."), ImportErrorCode.EMPTY)
        self.positions = self._resolve(header)
        self.total = self._count()

    def _records(self) -> Iterator[list[Any]]:
        if self.is_xlsx:
            sheet = self._workbook.worksheets[0]
            yield from (list(row) for row in sheet.iter_rows(values_only=True))
        else:
            try:
                yield from csv.reader(io.StringIO(self._text), self._dialect)
            except csv.Error as broken:
                raise _file_error(
                    _("The file is not valid CSV: %(detail)s") % {"detail": broken},
                    ImportErrorCode.UNREADABLE,
                ) from broken

    def _resolve(self, header: list[Any]) -> dict[str, int]:
        normalized = [_normal(cell) for cell in header]
        positions: dict[str, int] = {}
        for column in self.importer.columns:
            names = _header_names(column)
            index = next((i for i, cell in enumerate(normalized) if cell in names), None)
            if index is not None:
                positions[column.key] = index
        if self.importer.strict_columns:
            known = set(positions.values())
            unknown = [
                str(cell).strip()
                for index, cell in enumerate(header)
                if index not in known and str(cell or "").strip()
            ]
            if unknown:
                expected = ", ".join(str(c.label) for c in self.importer.columns)
                message = _("Unknown column “%(column)s”; the columns are: %(expected)s.") % {
                    "column": unknown[0],
                    "expected": expected,
                }
                raise ValidationFailed(
                    message,
                    code=ImportErrorCode.UNKNOWN_COLUMN,
                    fields={"file": [message], unknown[0]: [message]},
                )
        missing = [c for c in self.importer.columns if c.required and c.key not in positions]
        if missing:
            message = _("Missing columns: %(columns)s.") % {
                "columns": ", ".join(str(column.label) for column in missing)
            }
            raise ValidationFailed(
                message,
                code=ImportErrorCode.MISSING_COLUMNS,
                fields={"file": [message], **{column.key: [message] for column in missing}},
            )
        return positions

    def _count(self) -> int:
        limit = self.importer.row_limit
        count = 0
        records = self._records()
        next(records, None)
        for cells in records:
            if not any(cell_text(cell) for cell in cells):
                continue
            count += 1
            if count > limit:
                raise _file_error(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{limit:,}"},
                    ImportErrorCode.TOO_MANY_ROWS,
                )
        if not count:
            raise _file_error(_("The file has a header but no rows."), ImportErrorCode.EMPTY)
        return count

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number as the spreadsheet shows it, {column key: cell text}); blank rows
        are skipped but still counted, so the numbers match what the uploader sees."""
        records = self._records()
        next(records, None)
        for index, cells in enumerate(records, start=2):
            texts = [cell_text(cell) for cell in cells]
            if not any(texts):
                continue
            yield (
                index,
                {
                    key: texts[position] if position < len(texts) else ""
                    for key, position in self.positions.items()
                },
            )

    def close(self) -> None:
        if self.is_xlsx:
            self._workbook.close()


def _open_xlsx(content: bytes):
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as broken:
        raise _file_error(
            _("The spreadsheet cannot be read."), ImportErrorCode.UNREADABLE
        ) from broken
    if not workbook.worksheets:
        raise _file_error(_("The file is empty."), ImportErrorCode.EMPTY)
    return workbook


def table_read(*, importer: Importer, file_name: str, content: bytes) -> Table:
    """The file opened for `importer`; file-level problems (empty, too large, too many
    rows, unreadable, missing columns) raise ValidationFailed on the field `file`."""
    return Table(importer, file_name, content)


# ---------------------------------------------------------------------------- running


def _clean_all(
    importer: Importer,
    table: Table,
    ctx: ImportContext,
    progress: Callable[[int], None] | None,
) -> tuple[list[Any], list[RowError], int]:
    """Every row cleaned; once one is refused the cleaned ones are dropped (they will not
    be written) but the rest are still checked, so the report lists every refused row."""
    max_errors = settings.IMPORT_MAX_ERRORS
    cleaned: list[Any] = []
    errors: list[RowError] = []
    error_count = 0
    for processed, (number, row) in enumerate(table.rows(), start=1):
        ctx.row = number
        problems = _check_lengths(importer, row)
        if not problems:
            try:
                result = importer.clean_row(row, ctx)
            except ValidationFailed as refused:
                problems = refused.fields or {"": [refused.message]}
        if problems:
            error_count += 1
            cleaned = []
            title = row.get(importer.title_column, "") if importer.title_column else ""
            for key, messages in problems.items():
                for message in messages:
                    if len(errors) < max_errors:
                        errors.append(
                            RowError(
                                row=number,
                                column=key if importer.column(key) else "",
                                message=str(message),
                                value=row.get(key, "")[:200],
                                title=title[:200],
                            )
                        )
        elif not error_count:
            cleaned.append(result)
        if progress is not None and processed % PROGRESS_EVERY == 0:
            progress(processed)
    return cleaned, errors, error_count


def _check_lengths(importer: Importer, row: dict[str, str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for column in importer.columns:
        value = row.get(column.key, "")
        if column.max_length is not None and len(value) > column.max_length:
            problems[column.key] = [
                _("At most %(max)s characters (this one has %(length)s).")
                % {"max": column.max_length, "length": len(value)}
            ]
    return problems


def _run(
    importer: Importer,
    ctx: ImportContext,
    content: bytes,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict, int]:
    table = table_read(importer=importer, file_name=ctx.file_name, content=content)
    try:
        if importer.prepare is not None:
            importer.prepare(ctx)
        cleaned, errors, error_count = _clean_all(importer, table, ctx, progress)
    finally:
        table.close()
    if error_count:
        raise ImportRefused(importer, errors, error_count, table.total)
    with transaction.atomic():
        summary = importer.write(cleaned, ctx) or {}
    summary.setdefault("rows", table.total)
    return summary, table.total


def import_file(
    *,
    kind: str | None = None,
    importer: Importer | None = None,
    actor,
    file_name: str,
    content: bytes,
    park_id: UUID | None = None,
    options: dict | None = None,
) -> dict:
    """Import a file now, in the caller's request or command. Returns the writer's summary;
    raises ImportRefused (nothing written) with every refused row, or ValidationFailed for a
    file that cannot be read, or the importer's permission error."""
    importer = importer or importer_get(kind)
    ctx = ImportContext(actor=actor, park_id=park_id, file_name=file_name, options=options or {})
    importer.permission(actor, ctx)
    summary, _total = _run(importer, ctx, content)
    return summary


def import_start(
    *,
    kind: str,
    actor,
    file_name: str,
    content: bytes,
    park_id: UUID | None = None,
    options: dict | None = None,
) -> ImportJob:
    """Check the actor may import and that the file can be read at all, then queue it;
    the caller shows the job (its progress, then its result or row report)."""
    importer = importer_get(kind)
    ctx = ImportContext(actor=actor, park_id=park_id, file_name=file_name, options=options or {})
    importer.permission(actor, ctx)
    table = table_read(importer=importer, file_name=file_name, content=content)
    table.close()
    job = ImportJob.objects.create(
        kind=kind,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        park_id=park_id,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        options=options or {},
        file_name=file_name[:200],
        content=content,
        total_rows=table.total,
    )
    from parkos.core.jobs import enqueue
    from parkos.core.tasks import run_import

    enqueue(run_import, str(job.id))
    return job


def import_job_run(*, job_id) -> ImportJob | None:
    """Run a queued job (the Celery task calls this). The report is worded in the
    language the uploader used."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _job_run(job)


def _job_run(job: ImportJob) -> ImportJob:
    job.status, job.started_at, job.processed_rows = ImportStatus.RUNNING, timezone.now(), 0
    job.save(update_fields=["status", "started_at", "processed_rows"])
    importer = importer_get(job.kind)
    ctx = ImportContext(
        actor=job.created_by,
        park_id=job.park_id,
        file_name=job.file_name,
        options=job.options,
        job=job,
    )

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    try:
        # The uploader's rights are checked again: they may have lost them while queued.
        importer.permission(job.created_by, ctx)
        summary, total = _run(importer, ctx, bytes(job.content), progress)
    except ImportRefused as refused:
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    job=job,
                    row=error.row,
                    column=error.column,
                    value=error.value,
                    title=error.title,
                    message=error.message,
                )
                for error in refused.errors
            ],
            batch_size=500,
        )
        return _job_finish(
            job,
            status=ImportStatus.REFUSED,
            processed_rows=refused.total_rows,
            total_rows=refused.total_rows,
            error_count=refused.error_count,
        )
    except (ServiceError, PermissionDenied) as failure:
        message = getattr(failure, "message", "") or _("You may not import this file.")
        return _job_finish(job, status=ImportStatus.FAILED, error=str(message))
    except Exception:
        logger.exception("import job %s (%s) broke", job.pk, job.kind)
        _job_finish(
            job,
            status=ImportStatus.FAILED,
            error=_("The import stopped on an unexpected error; nothing was written."),
        )
        raise
    return _job_finish(
        job,
        status=ImportStatus.DONE,
        processed_rows=total,
        total_rows=total,
        created_count=int(summary.get("created", 0)),
        updated_count=int(summary.get("updated", 0)),
    )


def _job_finish(job: ImportJob, **changes) -> ImportJob:
    changes["finished_at"] = timezone.now()
    for name, value in changes.items():
        setattr(job, name, value)
    job.save(update_fields=list(changes))
    return job


# ---------------------------------------------------------------------------- reading jobs


def import_job_get(*, actor, job_id, kind: str | None = None) -> ImportJob:
    """A job its uploader may follow, and anyone its importer lets import for that park;
    absent and not visible are the same NotFound."""
    job = ImportJob.objects.filter(pk=job_id).first() if _is_uuid(job_id) else None
    if job is None or (kind is not None and job.kind != kind):
        raise NotFound(_("No such import."))
    if getattr(actor, "is_superuser", False) or (
        job.created_by_id is not None and job.created_by_id == getattr(actor, "pk", None)
    ):
        return job
    try:
        importer = importer_get(job.kind)
        importer.permission(
            actor, ImportContext(actor=actor, park_id=job.park_id, file_name=job.file_name)
        )
    except (LookupError, ServiceError, PermissionDenied):
        raise NotFound(_("No such import.")) from None
    return job


def _is_uuid(value) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ReportLine:
    row: int
    title: str
    column: str
    value: str
    message: str


def import_report(*, job: ImportJob) -> list[ReportLine]:
    """The refused rows, each column named by its label in the reader's language."""
    try:
        importer = importer_get(job.kind)
    except LookupError:
        importer = None
    return [
        ReportLine(
            row=error.row,
            title=error.title,
            column=importer.label_of(error.column) if importer else "",
            value=error.value,
            message=error.message,
        )
        for error in job.row_errors.all()
    ]


def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet will show, never run: a leading = + - @ is quoted away."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def import_report_xlsx(*, job: ImportJob) -> bytes:
    """The row report as an Excel workbook, in the reader's language."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Refused rows"))[:31])
    sheet.append(
        [str(_("Row")), str(_("Name")), str(_("Column")), str(_("Value")), str(_("Problem"))]
    )
    for line in import_report(job=job):
        sheet.append(
            [line.row]
            + [
                spreadsheet_safe(text)
                for text in (line.title, line.column, line.value, line.message)
            ]
        )
    if job.errors_not_listed:
        sheet.append(
            [
                "",
                spreadsheet_safe(
                    _("%(count)s more refused rows are not listed.")
                    % {"count": job.errors_not_listed}
                ),
            ]
        )
    if job.error:
        sheet.append(["", spreadsheet_safe(job.error)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = [
    "Column",
    "ImportContext",
    "ImportErrorCode",
    "ImportJob",
    "ImportRefused",
    "ImportRowError",
    "ImportStatus",
    "Importer",
    "ReportLine",
    "RowError",
    "Table",
    "cell_text",
    "decode_text",
    "import_file",
    "import_job_get",
    "import_job_run",
    "import_report",
    "import_report_xlsx",
    "import_start",
    "importer_get",
    "importers",
    "register_importer",
    "row_error_text",
    "spreadsheet_safe",
    "table_read",
]
