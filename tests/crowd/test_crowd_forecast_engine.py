import datetime as dt

import numpy as np
import pandas as pd
import pytest

from parkos.crowd.forecast.engine import (
    INTERVAL_QUANTILES,
    RECENT_HOUR_OF_DAY_MEAN,
    SEASONAL_NAIVE,
    calendar_for,
    fit_forecaster,
    forecast_area,
    forecast_sensors,
)
from parkos.crowd.forecast.matrix import CountsMatrix


def test_sensor_with_little_history_falls_back_and_says_so(synthetic_counts, fast_settings):
    counts = pd.concat(
        [
            synthetic_counts("old gate", "2025-03-03", 56, 200, seed=1),
            synthetic_counts("new gate", "2025-04-25", 3, 80, seed=2),
        ]
    )
    forecasts, fitted = forecast_sensors(
        counts, region="CN", time_zone="Asia/Shanghai", settings=fast_settings
    )
    choices = {choice.sensor: choice for choice in fitted.choices}
    assert choices["new gate"].is_fallback
    assert choices["new gate"].model == RECENT_HOUR_OF_DAY_MEAN
    assert "72 hours" in choices["new gate"].reason
    assert not choices["old gate"].is_fallback
    new_gate = forecasts[forecasts["sensor"] == "new gate"]
    assert new_gate["is_fallback"].all()
    assert len(new_gate) == 24 and np.isfinite(new_gate["forecast"]).all()


def test_forecasts_are_aware_ordered_and_cover_the_horizon(synthetic_counts, fast_settings):
    counts = synthetic_counts("gate", "2025-03-03", 56, 200, seed=3)
    forecasts, _fitted = forecast_sensors(
        counts, region="CN", time_zone="Asia/Shanghai", horizon_hours=48, settings=fast_settings
    )
    assert len(forecasts) == 48
    assert str(forecasts["starts_at"].dt.tz) == "Asia/Shanghai"
    assert forecasts["starts_at"].iloc[0] == pd.Timestamp("2025-04-28 00:00", tz="Asia/Shanghai")
    bounds = forecasts[list(INTERVAL_QUANTILES)].to_numpy()
    assert (np.diff(bounds, axis=1) >= 0).all()
    assert (forecasts["lower_95"] <= forecasts["forecast"]).all()
    assert (forecasts["forecast"] <= forecasts["upper_95"]).all()


def test_model_is_chosen_by_backtest(synthetic_counts, fast_settings):
    # One sensor repeats the same week exactly: last week's count is a perfect forecast
    # and the backtest must find that.
    week = synthetic_counts("repeating", "2025-03-03", 7, 150, seed=4)
    repeating = pd.concat(
        [week.assign(timestamp=week["timestamp"] + pd.Timedelta(weeks=n)) for n in range(8)]
    )
    noisy = synthetic_counts("noisy", "2025-03-03", 56, 150, seed=5)
    matrix = CountsMatrix.from_long(pd.concat([repeating, noisy]))
    fitted = fit_forecaster(
        matrix,
        calendar=calendar_for(matrix, "CN"),
        until=pd.Timestamp("2025-04-21"),
        settings=fast_settings,
    )
    choice = {choice.sensor: choice for choice in fitted.choices}["repeating"]
    assert choice.model == SEASONAL_NAIVE
    assert choice.backtest_wape[SEASONAL_NAIVE] == pytest.approx(0.0, abs=1e-9)


def test_gaps_do_not_stop_a_forecast(synthetic_counts, fast_settings):
    counts = synthetic_counts("gate", "2025-03-03", 56, 200, seed=6)
    # The last four days before the origin are missing except the final hour.
    gap = (counts["timestamp"] >= "2025-04-24") & (counts["timestamp"] < "2025-04-27 23:00")
    forecasts, _fitted = forecast_sensors(
        counts[~gap], region="CN", time_zone="Asia/Shanghai", settings=fast_settings
    )
    assert np.isfinite(forecasts["forecast"]).all()
    assert forecasts["forecast"].max() > 50  # not read as zeros


def test_area_is_the_sum_of_its_sensors(synthetic_counts, fast_settings):
    counts = pd.concat(
        [
            synthetic_counts("east", "2025-03-03", 56, 200, seed=7),
            synthetic_counts("west", "2025-03-03", 56, 100, seed=8),
        ]
    )
    forecasts, fitted = forecast_sensors(
        counts, region="CN", time_zone="Asia/Shanghai", settings=fast_settings
    )
    area = forecast_area(forecasts, fitted, ["east", "west"])
    by_hour = forecasts.groupby("starts_at")["forecast"].sum()
    assert np.allclose(area.set_index("starts_at")["forecast"], by_hour)
    assert (area["lower_80"] <= area["upper_80"]).all()


def test_calendar_reaches_beyond_the_data(synthetic_counts):
    counts = synthetic_counts("gate", "2025-09-01", 28, 100, seed=9)
    matrix = CountsMatrix.from_long(counts)
    features = calendar_for(matrix, "CN").features
    assert features.index.max().date() >= dt.date(2025, 10, 1)
