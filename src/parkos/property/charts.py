"""Property's charts, as ECharts options built on the server from core.charts' base (one
palette, tooltip and grid for every app); the pages draw them with static/parkos/charts.js."""

from parkos.core.charts import base_option

# charts.js marks a chart drawn on ECharts' "finished" event, listened to after setOption;
# without animation that event is over before anyone listens, and the page never says the
# chart is drawn. Kept on until charts.js listens first.
DRAWN = {"animation": True}


def survey_chart(results: dict) -> dict:
    """How many answers gave each rating, 1 to 5, per rating question."""
    return base_option(
        **DRAWN,
        legend={},
        xAxis={"type": "category", "data": ["1", "2", "3", "4", "5"]},
        yAxis={"type": "value", "minInterval": 1},
        series=[
            {"name": q["label"], "type": "bar", "data": q["distribution"]}
            for q in results["questions"]
        ],
    )


def ranking_chart(scores, months) -> dict:
    """Each company's monthly total over the months shown."""
    companies = sorted({s.company.name for s in scores})
    by_key = {(s.company.name, s.month): float(s.total) for s in scores}
    return base_option(
        **DRAWN,
        legend={"data": companies},
        grid={"left": 40, "right": 20, "bottom": 30},
        xAxis={"type": "category", "data": [m.strftime("%Y-%m") for m in months]},
        yAxis={"type": "value", "min": 40, "max": 100},
        series=[
            {"name": name, "type": "line", "data": [by_key.get((name, m)) for m in months]}
            for name in companies
        ],
    )
