"""The day-ahead evaluation retrains its global model on a schedule; a model is never used
on hours it could have seen, and the forecasts do not depend on how many cores train it."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from parkos.crowd.forecast.engine import calendar_for, fit_forecaster, train_booster
from parkos.crowd.forecast.evaluation import evaluate_day_ahead
from parkos.crowd.forecast.features import FeatureBuilder
from parkos.crowd.forecast.matrix import CountsMatrix

CUTOFF = dt.date(2025, 4, 14)


@pytest.fixture
def counts(synthetic_counts):
    return pd.concat(
        [
            synthetic_counts("north", "2025-02-03", 84, 300, seed=21),
            synthetic_counts("south", "2025-02-03", 84, 120, seed=22),
        ],
        ignore_index=True,
    )


def evaluate(counts, settings):
    return evaluate_day_ahead(
        counts,
        cutoff=CUTOFF,
        region="CN",
        refit_every_days=7,
        retrain_every_days=10,
        settings=settings,
    )


def test_retrained_models_never_see_the_future(counts, fast_settings):
    honest = evaluate(counts, fast_settings)
    # The first model serves the first week; a fresh one is trained for the second.
    assert honest.summary["retrained_at"] == ["2025-04-21"]

    poison_from = pd.Timestamp(CUTOFF) + pd.Timedelta(days=10)
    poisoned_counts = counts.copy()
    future = poisoned_counts["timestamp"] >= poison_from
    poisoned_counts.loc[future, "count"] = poisoned_counts.loc[future, "count"] * 50 + 1000
    poisoned = evaluate(poisoned_counts, fast_settings)

    def issued_before_poison(result):
        frame = result.forecasts
        return frame[frame["origin"] <= poison_from].reset_index(drop=True)

    # Forecasts made by the retrained model (21 to 24 April) are unchanged as well.
    before = issued_before_poison(honest)
    assert before["origin"].max() == poison_from
    pd.testing.assert_series_equal(before["forecast"], issued_before_poison(poisoned)["forecast"])
    assert poisoned.summary["wape"] != honest.summary["wape"]


def test_a_model_trained_on_later_counts_is_refused(counts, fast_settings):
    matrix = CountsMatrix.from_long(counts)
    calendar = calendar_for(matrix, "CN")
    builder = FeatureBuilder(matrix, calendar)
    until = pd.Timestamp("2025-04-14")
    later = train_booster(builder, matrix.column_of(until) + 24, fast_settings)
    with pytest.raises(ValueError, match="trained on the hours"):
        fit_forecaster(
            matrix, calendar=calendar, until=until, settings=fast_settings, booster=later
        )
    with pytest.raises(ValueError, match="trained on the hours"):
        fit_forecaster(
            matrix,
            calendar=calendar,
            until=until,
            settings=fast_settings,
            backtest_booster=train_booster(builder, matrix.column_of(until), fast_settings),
        )


def test_forecasts_do_not_depend_on_the_number_of_cores(counts, fast_settings):
    one = evaluate(counts, dataclasses.replace(fast_settings, threads=1))
    two = evaluate(counts, dataclasses.replace(fast_settings, threads=2))
    assert np.array_equal(one.forecasts["forecast"], two.forecasts["forecast"])
