import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from parkos.crowd.forecast.errors import EvaluationWindowError
from parkos.crowd.forecast.evaluation import evaluate_day_ahead

CUTOFF = dt.date(2025, 4, 14)


@pytest.fixture
def two_sensors(synthetic_counts):
    return pd.concat(
        [
            synthetic_counts("north", "2025-02-03", 84, 300, seed=11),
            synthetic_counts("south", "2025-02-03", 84, 120, seed=12),
        ],
        ignore_index=True,
    )


def evaluate(counts, settings):
    return evaluate_day_ahead(
        counts, cutoff=CUTOFF, region="CN", refit_every_days=7, settings=settings
    )


def test_poisoned_future_does_not_change_earlier_forecasts(two_sensors, fast_settings):
    honest = evaluate(two_sensors, fast_settings)
    poison_from = pd.Timestamp(CUTOFF) + pd.Timedelta(days=10)
    poisoned_counts = two_sensors.copy()
    future = poisoned_counts["timestamp"] >= poison_from
    poisoned_counts.loc[future, "count"] = poisoned_counts.loc[future, "count"] * 50 + 1000
    poisoned = evaluate(poisoned_counts, fast_settings)

    def issued_before_poison(result):
        frame = result.forecasts
        return frame[frame["origin"] <= poison_from].reset_index(drop=True)

    before = issued_before_poison(honest)
    assert len(before) == 11 * 24 * 2
    pd.testing.assert_series_equal(before["forecast"], issued_before_poison(poisoned)["forecast"])
    # The poison is really there: later forecasts and the figures do change.
    assert poisoned.summary["wape"] != honest.summary["wape"]


def test_figures_are_consistent(two_sensors, fast_settings):
    summary = evaluate(two_sensors, fast_settings).summary
    assert summary["accuracy"] == pytest.approx(1 - summary["wape"], abs=1e-3)
    assert set(summary["sensors"]) == {"north", "south"}
    assert summary["baseline"]["name"] == "seasonal_naive_same_hour_last_week"
    # Poisson noise around a fixed rhythm: the mean-based models beat last week's count.
    assert summary["accuracy"] > summary["baseline"]["accuracy"]
    assert summary["mase"] < summary["baseline"]["mase"]
    for key in ("precision", "recall", "f1"):
        assert 0 <= summary[key] <= 1
    assert summary["forecast_origins"] == 14  # 14 to 27 April


def test_gaps_are_not_scored_as_zero(two_sensors, fast_settings):
    gap = (two_sensors["sensor"] == "north") & (
        two_sensors["timestamp"].between("2025-04-20", "2025-04-22 23:00")
    )
    result = evaluate(two_sensors[~gap], fast_settings)
    # 14 days x 24 hours x 2 sensors, less the 3 missing days, less 27 April, whose
    # last-week baseline fell in the gap (left out for both model and baseline).
    assert result.summary["scored_hours"] == 14 * 24 * 2 - 3 * 24 - 24
    assert result.summary["accuracy"] > 0.6


def test_cutoff_outside_the_data(two_sensors, fast_settings):
    for cutoff in (dt.date(2025, 2, 5), dt.date(2025, 6, 1)):
        with pytest.raises(EvaluationWindowError) as raised:
            evaluate_day_ahead(two_sensors, cutoff=cutoff, region="CN", settings=fast_settings)
        assert raised.value.field == "cutoff"


def test_command_prints_json_last(two_sensors, tmp_path):
    path = tmp_path / "counts.csv"
    two_sensors.assign(timestamp=two_sensors["timestamp"].dt.strftime("%Y-%m-%dT%H:%M")).to_csv(
        path, index=False
    )
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "crowd_eval",
        str(path),
        "--cutoff",
        "2025-04-14",
        "--country",
        "CN",
        stdout=out,
        stderr=err,
    )
    last_line = out.getvalue().strip().splitlines()[-1]
    figures = json.loads(last_line)
    assert {"accuracy", "wape", "mase", "precision", "recall", "f1", "baseline", "sensors"} <= set(
        figures
    )
    assert np.isfinite(figures["accuracy"])
