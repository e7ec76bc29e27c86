"""ECharts options of the talent pages, built on the server from core.charts."""

from django.utils.translation import gettext as _

from parkos.core.charts import PALETTE, base_option
from parkos.talent.models import Field


def live_bars(board: dict) -> dict:
    rows = board["per_enterprise"][:12]
    names = [r["enterprise__name"] for r in rows][::-1]
    return base_option(
        tooltip={"trigger": "axis"},
        legend={"top": 0},
        grid={"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        xAxis={"type": "value"},
        yAxis={"type": "category", "data": names},
        series=[
            {
                "name": _("Applications"),
                "type": "bar",
                "data": [r["applications"] for r in rows][::-1],
            },
            {"name": _("Interviews"), "type": "bar", "data": [r["interviews"] for r in rows][::-1]},
            {
                "name": _("Preliminary intents"),
                "type": "bar",
                "data": [r["intents"] for r in rows][::-1],
            },
        ],
    )


def field_pie(board: dict) -> dict:
    return base_option(
        tooltip={"trigger": "item"},
        legend={"show": False},
        series=[
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {"name": str(Field(r["position__field"]).label), "value": r["applications"]}
                    for r in board["per_field"]
                ],
            }
        ],
    )


def university_scatter(rows: list[dict]) -> dict:
    """Universities placed by longitude and latitude (no base map is shipped): symbol size by
    the applicants they sent, colour when a fair was held there."""

    def point(row):
        return {
            "name": row["name"],
            "value": [row["longitude"], row["latitude"], row["applicants"], row["fairs"]],
            "itemStyle": {"color": PALETTE[1] if row["fairs"] else PALETTE[0]},
        }

    return base_option(
        tooltip={"trigger": "item"},
        legend={"show": False},
        grid={"left": 40, "right": 16, "top": 16, "bottom": 32, "containLabel": True},
        xAxis={"type": "value", "min": 73, "max": 135, "name": _("Longitude")},
        yAxis={"type": "value", "min": 18, "max": 54, "name": _("Latitude")},
        series=[
            {
                "type": "scatter",
                "data": [point(r) for r in rows],
                "symbolSize": 10,
                "label": {"show": False},
            }
        ],
    )


def demand_bars(rows: list[dict]) -> dict:
    branches = sorted({r["park__name"] for r in rows})
    fields = sorted({r["field"] for r in rows})
    totals = {(r["park__name"], r["field"]): 0 for r in rows}
    for r in rows:
        totals[(r["park__name"], r["field"])] += r["headcount"]
    return base_option(
        tooltip={"trigger": "axis"},
        xAxis={"type": "category", "data": branches},
        yAxis={"type": "value"},
        series=[
            {
                "name": str(Field(f).label),
                "type": "bar",
                "stack": "demand",
                "data": [totals.get((b, f), 0) for b in branches],
            }
            for f in fields
        ],
    )
