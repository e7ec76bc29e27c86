"""A round as an Excel workbook: every submission, what is missing, and completion."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from parkos.filings import selectors
from parkos.filings.dashboard import round_dashboard
from parkos.filings.models import FilingRound

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(workbook, title: str, header: list[str], rows, *, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, name in zip(sheet.columns, header, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(10, min(60, len(name) * 2))
    return sheet


def round_export(*, actor, filing_round: FilingRound) -> tuple[str, bytes]:
    """The file name and the bytes of the workbook; staff of the round's park only."""
    data = round_dashboard(actor=actor, filing_round=filing_round)
    expected = data["expected"]
    workbook = Workbook()
    _sheet(
        workbook,
        _("Submissions"),
        [
            _("Enterprise"),
            _("Unified social credit code"),
            _("Park"),
            _("Zone"),
            _("Total staff"),
            _("Staff returned"),
            _("Staff from risk areas"),
            _("Staff under observation"),
            _("Protective supplies (days)"),
            _("Declaration of compliance"),
            _("Version"),
            _("Filed at"),
            _("Flags"),
        ],
        (
            [
                s.enterprise.name,
                s.enterprise.credit_code,
                s.enterprise.park.name,
                expected[s.enterprise_id].zone if s.enterprise_id in expected else "",
                s.total_staff,
                s.returned_staff,
                s.risk_area_staff,
                s.observation_staff,
                s.supplies_days,
                _("Yes") if s.compliance_declared else _("No"),
                s.version,
                timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M"),
                "\n".join(selectors.flag_reasons(s.flags)),
            ]
            for s in data["submissions"]
        ),
        first=True,
    )
    _sheet(
        workbook,
        _("Missing"),
        [_("Enterprise"), _("Park"), _("Zone"), _("Reason")],
        (
            [row["enterprise"], row["park"], row["zone"], "\n".join(row["reasons"])]
            for row in data["flagged"]
            if row["submission"] is None
        ),
    )
    _sheet(
        workbook,
        _("Completion"),
        [_("Park or zone"), _("Expected"), _("Filed"), _("Completion (%)")],
        (
            [c.label, c.expected, c.filed, c.rate]
            for c in [data["overall"], *data["by_park"], *data["by_zone"]]
        ),
    )
    buffer = BytesIO()
    workbook.save(buffer)
    name = f"filings-{filing_round.park.code}-{filing_round.period_start:%Y%m%d}.xlsx"
    return name, buffer.getvalue()
