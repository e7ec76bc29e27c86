import numpy as np
import pandas as pd
import pytest

from parkos.crowd.forecast.evaluation import evaluate_day_ahead
from parkos.crowd.forecast.warning_rule import (
    MIN_CALIBRATION_EVENTS,
    WarningRule,
    calibrate_warning_rule,
)


def shrunk_forecasts(seed=3, hours=4000):
    """Forecasts that, like any conditional mean, fall short of the peaks: the literal
    rule (forecast above the threshold) misses most events."""
    rng = np.random.default_rng(seed)
    actual = rng.gamma(4.0, 25.0, hours)
    forecast = 0.8 * actual + 0.2 * actual.mean() + rng.normal(0, 5, hours)
    threshold = np.full(hours, np.percentile(actual, 95))
    return actual, forecast, threshold


def f1(event, warning):
    return 2 * (event & warning).sum() / (event.sum() + warning.sum())


def test_calibrated_rule_warns_earlier_and_scores_better_on_new_hours():
    actual, forecast, threshold = shrunk_forecasts()
    rule = calibrate_warning_rule(actual[:2000], forecast[:2000], threshold[:2000])
    assert rule.ratio < 1
    assert rule.calibration_events >= MIN_CALIBRATION_EVENTS
    later = slice(2000, None)
    event = actual[later] > threshold[later]
    calibrated = f1(event, rule.warns(forecast[later], threshold[later]))
    literal = f1(event, WarningRule().warns(forecast[later], threshold[later]))
    assert calibrated > literal + 0.1


def test_too_few_events_keep_the_literal_rule():
    actual, forecast, threshold = shrunk_forecasts(hours=200)
    rule = calibrate_warning_rule(actual, forecast, threshold * 1.5)
    assert rule.ratio == 1.0
    assert rule.calibration_f1 is None


def test_evaluation_reports_both_rules_and_calibrates_only_on_the_past(
    synthetic_counts, fast_settings
):
    counts = pd.concat(
        [
            synthetic_counts("north", "2025-02-03", 84, 300, seed=11),
            synthetic_counts("south", "2025-02-03", 84, 120, seed=12),
        ],
        ignore_index=True,
    )
    cutoff = pd.Timestamp("2025-04-14")
    result = evaluate_day_ahead(
        counts, cutoff=cutoff.date(), region="CN", refit_every_days=7, settings=fast_settings
    )
    summary = result.summary
    assert set(summary["point_rule"]) == {"precision", "recall", "f1", "warnings"}
    assert len(summary["warning_ratios"]) == summary["refits"]
    assert result.forecasts["warning"].dtype == bool
    # Poisoning the hours after the first refit period cannot change its warnings.
    poisoned = counts.copy()
    later = poisoned["timestamp"] >= cutoff + pd.Timedelta(days=7)
    poisoned.loc[later, "count"] = poisoned.loc[later, "count"] * 50 + 1000
    again = evaluate_day_ahead(
        poisoned, cutoff=cutoff.date(), region="CN", refit_every_days=7, settings=fast_settings
    )
    first_week = result.forecasts["origin"] < cutoff + pd.Timedelta(days=7)
    pd.testing.assert_series_equal(
        result.forecasts.loc[first_week, "warning"], again.forecasts.loc[first_week, "warning"]
    )
    assert summary["warning_ratios"][0] == again.summary["warning_ratios"][0]


@pytest.mark.parametrize("ratio", [0.8, 1.0])
def test_rule_warns_at_ratio_times_threshold(ratio):
    rule = WarningRule(ratio=ratio)
    warned = rule.warns(np.array([79.0, 81.0, 101.0]), np.array([100.0, 100.0, 100.0]))
    assert list(warned) == [False, ratio == 0.8, True]
