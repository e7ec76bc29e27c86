"""Crowd-flow forecasting engine: pure Python on pandas, NumPy and LightGBM, no Django
models. Read a long counts CSV with `read_counts_csv`, forecast with
`forecast_sensors` / `forecast_area`, evaluate with `evaluate_day_ahead`.

Internally times are naive local wall-clock hours; forecasts leave the engine with
timezone-aware `starts_at`.
"""

from .engine import EngineSettings, ModelChoice, fit_forecaster, forecast_area, forecast_sensors
from .errors import (
    CalendarUnavailableError,
    CountsFileError,
    EvaluationWindowError,
    ForecastInputError,
)
from .evaluation import EvaluationResult, evaluate_day_ahead
from .io import read_counts_csv

__all__ = [
    "CalendarUnavailableError",
    "CountsFileError",
    "EngineSettings",
    "EvaluationResult",
    "EvaluationWindowError",
    "ForecastInputError",
    "ModelChoice",
    "evaluate_day_ahead",
    "fit_forecaster",
    "forecast_area",
    "forecast_sensors",
    "read_counts_csv",
]
