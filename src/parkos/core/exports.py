"""One way to hand people a spreadsheet. Every Excel export (a filtered list, a report, an import's
row report) goes through `workbook_bytes`: a bold frozen header, sensible widths, times in the
park's zone, and text that a spreadsheet would run as a formula (a cell typed by a tenant as
"=HYPERLINK(...)" or "+1") neutralised with a leading apostrophe. A formula the product means
to write (an index sheet that shows how a score is computed) is wrapped in `Formula`."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What spreadsheet programs treat as the start of a formula or a command (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Formula(str):
    """A formula written on purpose, e.g. "=SUMPRODUCT(B2:B9,C2:C9)"."""


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value
    return value


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    number_format: dict[int, str] | None = None


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(title=str(spec.title)[:31])
        sheet.append([str(name) for name in spec.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append([spreadsheet_safe(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, name in enumerate(spec.header, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, min(60, len(str(name)) * 2 + 2))
            if spec.number_format and index in spec.number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = spec.number_format[index]
    if not workbook.worksheets:
        workbook.create_sheet()
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(file_name: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(file_name)}"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name if name.endswith(".xlsx") else f"{name}.xlsx")
