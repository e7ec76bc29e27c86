"""Rent relief's charts, as ECharts options built on the server from core.charts' base (one
palette, tooltip and grid for every app); the report page draws them with
static/parkos/charts.js."""

from django.utils.translation import gettext as _

from parkos.core.charts import base_option


def relief_by_park_chart(rows: list[dict]) -> dict:
    """Relief granted per park, in yuan: one series, so no legend."""
    return base_option(
        legend={"show": False},
        xAxis={"type": "category", "data": [row["park"] for row in rows]},
        yAxis={"type": "value", "name": _("CNY")},
        series=[
            {
                "type": "bar",
                "name": _("Relief granted"),
                "data": [float(row["total"]) for row in rows],
            }
        ],
    )
