"""Synthetic hourly counts for the forecasting tests: a daily and weekly rhythm with
noise, so the learned model, the baselines and the metrics all have something real
to work on, and small enough that a fit takes well under a second."""

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from parkos.crowd.forecast.engine import EngineSettings

FAST_SETTINGS = EngineSettings(
    training_days=35,
    backtest_days=7,
    min_history_hours=14 * 24,
    boosting_rounds=25,
    min_rows_per_leaf=20,
    learning_rate=0.2,
)


def hourly_counts(sensor: str, start: str, days: int, scale: float, seed: int) -> pd.DataFrame:
    timestamps = pd.date_range(start, periods=days * 24, freq="h")
    hour = timestamps.hour.to_numpy()
    weekday = timestamps.day_of_week.to_numpy() < 5
    daily_shape = np.exp(-((hour - 13) ** 2) / 18.0)
    expected = scale * (0.1 + daily_shape) * np.where(weekday, 1.0, 0.6)
    counts = np.random.default_rng(seed).poisson(expected).astype(float)
    return pd.DataFrame({"timestamp": timestamps, "sensor": sensor, "count": counts})


@pytest.fixture
def synthetic_counts():
    return hourly_counts


@pytest.fixture
def fast_settings():
    return FAST_SETTINGS


@pytest.fixture(autouse=True)
def _english_messages():
    """The engine's tests read its English source messages; a page test run earlier in the
    same thread leaves the request's language (Chinese, which the crowd catalogue covers)
    active."""
    with translation.override("en"):
        yield
