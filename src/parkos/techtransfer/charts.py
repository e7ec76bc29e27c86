"""ECharts options for the statistics page, built on the shared palette."""

from django.utils.translation import gettext as _

from parkos.core.charts import PALETTE, base_option


def flows_option(flows: list[dict]) -> dict:
    """A Sankey of technology flowing from the seller's region to the buyer's. Sankey diagrams
    cannot hold cycles, so the buyers' side is labelled apart (上海 → 昆山 · 买方)."""
    nodes, links = {}, []
    for row in flows:
        source = row["seller_region"]
        target = _("%(region)s (buyer)") % {"region": row["buyer_region"]}
        nodes.setdefault(source, len(nodes))
        nodes.setdefault(target, len(nodes))
        links.append(
            {
                "source": source,
                "target": target,
                "value": float(row["amount"] or 0),
                "count": row["count"],
            }
        )
    return base_option(
        tooltip={"trigger": "item"},
        series=[
            {
                "type": "sankey",
                "data": [
                    {"name": name, "itemStyle": {"color": PALETTE[i % len(PALETTE)]}}
                    for name, i in nodes.items()
                ],
                "links": links,
                "emphasis": {"focus": "adjacency"},
                "lineStyle": {"color": "gradient", "curveness": 0.5},
            }
        ],
    )


def monthly_option(monthly: list[dict]) -> dict:
    return base_option(
        tooltip={"trigger": "axis"},
        legend={"data": [_("Number of contracts"), _("Amount (10k yuan)")]},
        xAxis={
            "type": "category",
            "data": [row["month"].strftime("%Y-%m") for row in monthly if row["month"]],
        },
        yAxis=[
            {"type": "value", "name": _("Number of contracts")},
            {"type": "value", "name": _("Amount (10k yuan)")},
        ],
        series=[
            {
                "name": _("Number of contracts"),
                "type": "bar",
                "data": [row["count"] for row in monthly if row["month"]],
            },
            {
                "name": _("Amount (10k yuan)"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [
                    round(float(row["amount"] or 0) / 10000, 1) for row in monthly if row["month"]
                ],
            },
        ],
    )


def bars_option(rows: list[dict], key: str, labels: dict) -> dict:
    names = [str(labels.get(row[key], row[key])) for row in rows]
    return base_option(
        tooltip={"trigger": "axis"},
        xAxis={"type": "value"},
        yAxis={"type": "category", "data": names},
        series=[
            {
                "type": "bar",
                "name": _("Amount (10k yuan)"),
                "data": [round(float(row["amount"] or 0) / 10000, 1) for row in rows],
            }
        ],
    )
