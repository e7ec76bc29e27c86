"""The re-opening ledger's charts, as ECharts options built on the server from core.charts'
base (one palette, tooltip and grid for every app); the round's dashboard draws them with
static/parkos/charts.js."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkos.core.charts import base_option


def completion_chart(data: dict) -> dict:
    """Enterprises expected to file and those that did, per zone."""
    zones = data["by_zone"]
    return base_option(
        legend={"data": [_("Expected"), _("Filed")]},
        grid={"left": 40, "right": 20, "bottom": 90},
        xAxis={"type": "category", "data": [z.label for z in zones], "axisLabel": {"rotate": 30}},
        yAxis={"type": "value"},
        series=[
            {"name": _("Expected"), "type": "bar", "data": [z.expected for z in zones]},
            {"name": _("Filed"), "type": "bar", "data": [z.filed for z in zones]},
        ],
    )


def trend_chart(data: dict) -> dict:
    """Completion and return rate (left axis, %) and flagged filings (right axis) over the
    park's rounds up to this one."""
    points = data["trend"]
    flagged = pgettext("filing flag", "Flagged")
    return base_option(
        legend={"data": [_("Completion (%)"), _("Return rate (%)"), flagged]},
        grid={"left": 40, "right": 40, "bottom": 30},
        xAxis={"type": "category", "data": [p["round"] for p in points]},
        yAxis=[{"type": "value", "max": 100}, {"type": "value"}],
        series=[
            {
                "name": _("Completion (%)"),
                "type": "line",
                "data": [p["completion"] for p in points],
            },
            {
                "name": _("Return rate (%)"),
                "type": "line",
                "data": [p["return_rate"] for p in points],
            },
            {
                "name": flagged,
                "type": "bar",
                "yAxisIndex": 1,
                "data": [p["flagged"] for p in points],
            },
        ],
    )
