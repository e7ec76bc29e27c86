"""Fitting and forecasting: per-sensor model choice by rolling-origin backtest, a global
LightGBM model, simple fallbacks, and conformal prediction intervals.

Candidates for every sensor:

* `gradient_boosting` — global LightGBM models over all sensors (direct multi-step: the
  step ahead is a feature), trained on daily midnight origins of up to `training_days`,
  predicting the count as a ratio of the sensor's last-week level, weighted by that level
  so busy sensors count as much as they do in the WAPE the evaluation scores; one model
  per objective in `objectives`, trained side by side and averaged;
* `seasonal_naive` — the same hour last week;
* `recent_weeks_mean` — the mean of the same hour in the last four weeks.

Each sensor gets the candidate with the lowest WAPE over the last `backtest_days` of
daily origins, forecast by a model trained only on data before that window. A sensor
with less than `min_history_hours` of counts skips the contest and falls back to a
simple model (`recent_weeks_mean`, or `recent_hour_of_day_mean` with under a week), and
its choice says so.

Intervals are split-conformal: quantiles of the backtest errors of the chosen model,
relative to the forecast, so they widen at busy hours. Areas (sums of sensors) use the
backtest errors of the sum, which carries the correlation between sensors.

Times inside are naive local wall-clock (see `matrix`); `forecast_sensors` and
`forecast_area` return timezone-aware times.
"""

from __future__ import annotations

import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import lightgbm
import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .calendar import DayCalendar, build_day_calendar
from .errors import ForecastInputError
from .features import (
    CALENDAR_MARGIN_DAYS,
    MAX_HORIZON_HOURS,
    FeatureBuilder,
    FeatureRows,
)
from .matrix import HOURS_PER_DAY, HOURS_PER_WEEK, CountsMatrix

GRADIENT_BOOSTING = "gradient_boosting"
SEASONAL_NAIVE = "seasonal_naive"
RECENT_WEEKS_MEAN = "recent_weeks_mean"
RECENT_HOUR_OF_DAY_MEAN = "recent_hour_of_day_mean"
CONTESTANTS = (GRADIENT_BOOSTING, SEASONAL_NAIVE, RECENT_WEEKS_MEAN)

INTERVAL_QUANTILES = {"lower_95": 0.025, "lower_80": 0.10, "upper_80": 0.90, "upper_95": 0.975}
# Relative errors are taken against forecast + 10% of the level, so a near-zero night
# forecast does not blow a ratio up.
ERROR_SCALE_LEVEL_SHARE = 0.1
MIN_ERRORS_FOR_OWN_INTERVALS = 96


@dataclass(frozen=True)
class EngineSettings:
    horizon_hours: int = 24
    # All the history there is, up to six years and `max_training_rows`. On Auckland
    # (validation year 2024, one model trained before it) two years of origins scored
    # 0.850 and four 0.854 with 63 leaves; with the trees below, four 0.857, all five 0.858.
    training_days: int = 6 * 365
    max_training_rows: int = 1_500_000
    backtest_days: int = 28
    min_history_hours: int = 4 * HOURS_PER_WEEK
    boosting_rounds: int = 200
    learning_rate: float = 0.08
    # One model per objective, averaged. WAPE scores absolute error; Huber (quadratic
    # within `huber_delta` of the level ratio, absolute beyond) scored as well as the
    # absolute-error objective at half its CPU, and Poisson deviance errs in another
    # direction on skewed hours, so their mean beat either alone.
    objectives: tuple[str, ...] = ("huber", "poisson")
    huber_delta: float = 0.3
    # Large trees: 15, 63 and 255 leaves scored 0.847, 0.850 and 0.852 on the validation
    # year (two years of origins); 511 leaves added 0.0003 for 15% more CPU.
    num_leaves: int = 255
    min_rows_per_leaf: int = 100
    # The ensemble's models train side by side, one core each (LightGBM lets go of the
    # GIL while it trains). One model never spans cores: its OpenMP threads spin-wait, and
    # on a 2-core machine shared with another process that made a fit 5 times slower.
    threads: int = 2
    seed: int = 20261122

    def __post_init__(self):
        if not 1 <= self.horizon_hours <= MAX_HORIZON_HOURS:
            raise ForecastInputError(
                _("The horizon must be between 1 and %(max)d hours.") % {"max": MAX_HORIZON_HOURS},
                field="horizon",
            )


@dataclass(frozen=True)
class ModelChoice:
    sensor: str
    model: str
    is_fallback: bool
    reason: str
    backtest_wape: dict[str, float] = field(default_factory=dict)


def _midnights_between(start_column: int, end_column: int) -> np.ndarray:
    """Midnight columns c with start <= c <= end (column 0 is a midnight)."""
    first = -(-max(start_column, 0) // HOURS_PER_DAY) * HOURS_PER_DAY
    return np.arange(first, end_column + 1, HOURS_PER_DAY)


@dataclass(frozen=True)
class BoostedEnsemble:
    """LightGBM models on the level ratio, one per objective; predicts their mean.
    `trained_until` is the column before which every training target lies."""

    boosters: tuple[lightgbm.Booster, ...]
    trained_until: int

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        ratios = [
            np.clip(booster.predict(features, num_threads=1), 0.0, None)
            for booster in self.boosters
        ]
        return np.mean(ratios, axis=0)


def _candidate_forecasts(
    rows: FeatureRows, booster: BoostedEnsemble | None
) -> dict[str, np.ndarray]:
    features = rows.features
    hour_profile = np.where(
        np.isfinite(rows.recent_hour_profile), rows.recent_hour_profile, rows.level
    )
    weeks_mean = features["mean_of_weekly_lags"].to_numpy() * rows.level
    weeks_mean = np.where(np.isfinite(weeks_mean), weeks_mean, hour_profile)
    last_week = features["lag_week_1"].to_numpy() * rows.level
    forecasts = {
        SEASONAL_NAIVE: np.where(np.isfinite(last_week), last_week, weeks_mean),
        RECENT_WEEKS_MEAN: weeks_mean,
        RECENT_HOUR_OF_DAY_MEAN: hour_profile,
    }
    if booster is not None:
        forecasts[GRADIENT_BOOSTING] = booster.predict(features) * rows.level
    return {name: np.clip(values, 0.0, None) for name, values in forecasts.items()}


def train_booster(
    builder: FeatureBuilder, until_column: int, settings: EngineSettings
) -> BoostedEnsemble | None:
    """The global model from midnight origins whose targets all fall before `until_column`;
    None when there is nothing to learn from."""
    sensor_rows = np.arange(len(builder.matrix.sensors))
    rows_per_day = len(sensor_rows) * settings.horizon_hours
    days = min(settings.training_days, max(settings.max_training_rows // rows_per_day, 1))
    origins = _midnights_between(
        until_column - days * HOURS_PER_DAY, until_column - settings.horizon_hours
    )
    if len(origins) == 0:
        return None
    rows = builder.rows(sensor_rows, origins, settings.horizon_hours)
    actual = builder.actuals(rows.sensor_rows, rows.target_columns)
    usable = np.isfinite(actual) & np.isfinite(rows.level)
    if usable.sum() < settings.min_rows_per_leaf * 10:
        return None
    parameters = {
        "learning_rate": settings.learning_rate,
        "num_leaves": settings.num_leaves,
        "min_data_in_leaf": settings.min_rows_per_leaf,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "num_threads": 1,
        "alpha": settings.huber_delta,  # LightGBM's name for the Huber delta
        "seed": settings.seed,
        "deterministic": True,
        "force_row_wise": True,
        "verbosity": -1,
    }
    # Weighted by level, an error in the ratio costs what it costs in counts, as in the
    # WAPE the evaluation scores. Built once before the threads start, the binned data is
    # shared by every model.
    dataset = lightgbm.Dataset(
        rows.features[usable],
        label=actual[usable] / rows.level[usable],
        weight=rows.level[usable],
        categorical_feature=["sensor"],
        params=parameters,
        free_raw_data=True,
    ).construct()

    def train(objective: str) -> lightgbm.Booster:
        return lightgbm.train(
            {**parameters, "objective": objective},
            dataset,
            num_boost_round=settings.boosting_rounds,
        )

    with ThreadPoolExecutor(max_workers=max(settings.threads, 1)) as pool:
        boosters = tuple(pool.map(train, settings.objectives))
    return BoostedEnsemble(boosters, trained_until=until_column)


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    scored = np.isfinite(actual) & np.isfinite(forecast)
    total = np.abs(actual[scored]).sum()
    return float(np.abs(actual[scored] - forecast[scored]).sum() / total) if total > 0 else np.nan


def _relative_errors(actual, forecast, level) -> np.ndarray:
    return (actual - forecast) / (forecast + ERROR_SCALE_LEVEL_SHARE * level)


@dataclass
class FittedForecaster:
    """Fitted at `until_column`: uses no count at or after it."""

    builder: FeatureBuilder
    settings: EngineSettings
    until_column: int
    booster: BoostedEnsemble | None
    choices: tuple[ModelChoice, ...]
    interval_errors: np.ndarray  # (sensors, len(INTERVAL_QUANTILES)) relative error quantiles
    backtest: pd.DataFrame  # sensor_row, target_column, actual, forecast, level (chosen model)

    @property
    def matrix(self) -> CountsMatrix:
        return self.builder.matrix

    def point_forecasts(self, origin_columns: np.ndarray, steps: int | None = None) -> pd.DataFrame:
        """Every sensor's chosen-model forecast for `steps` hours after each origin."""
        steps = steps or self.settings.horizon_hours
        if np.any(np.asarray(origin_columns) < self.until_column):
            raise ValueError("an origin before the fit moment would reuse data it was tested on")
        sensor_rows = np.arange(len(self.matrix.sensors))
        rows = self.builder.rows(sensor_rows, np.asarray(origin_columns), steps)
        candidates = _candidate_forecasts(rows, self.booster)
        chosen = np.array([choice.model for choice in self.choices])[rows.sensor_rows]
        forecast = np.full(len(chosen), np.nan)
        for name, values in candidates.items():
            forecast = np.where(chosen == name, values, forecast)
        return pd.DataFrame(
            {
                "sensor_row": rows.sensor_rows,
                "origin_column": rows.origin_columns,
                "target_column": rows.target_columns,
                "step": rows.target_columns - rows.origin_columns + 1,
                "forecast": forecast,
                "level": rows.level,
                "model": chosen,
            }
        )

    def forecast(self, origin: pd.Timestamp, steps: int | None = None) -> pd.DataFrame:
        """Per-sensor forecasts with 80% and 95% intervals; `starts_at` is naive local time
        and `level` the sensor's mean hourly count over the week before the origin."""
        frame = self.point_forecasts(np.array([self.matrix.column_of(origin)]), steps)
        errors = self.interval_errors[frame["sensor_row"].to_numpy()]
        scale = frame["forecast"].to_numpy() + ERROR_SCALE_LEVEL_SHARE * frame["level"].to_numpy()
        for position, bound in enumerate(INTERVAL_QUANTILES):
            frame[bound] = np.clip(frame["forecast"] + errors[:, position] * scale, 0.0, None)
        frame["sensor"] = np.array(self.matrix.sensors)[frame["sensor_row"]]
        frame["starts_at"] = self.matrix.timestamps_of(frame["target_column"].to_numpy())
        frame["is_fallback"] = [self.choices[row].is_fallback for row in frame["sensor_row"]]
        return frame[
            [
                "sensor",
                "starts_at",
                "step",
                "forecast",
                *INTERVAL_QUANTILES,
                "level",
                "model",
                "is_fallback",
            ]
        ]

    def area_interval_errors(self, sensors: list[str]) -> np.ndarray:
        """Relative error quantiles of the summed backtest forecasts of `sensors`."""
        wanted = [self.matrix.sensors.index(sensor) for sensor in sensors]
        part = self.backtest[self.backtest["sensor_row"].isin(wanted)]
        complete = part.groupby("target_column").filter(lambda group: len(group) == len(wanted))
        summed = complete.groupby("target_column")[["actual", "forecast", "level"]].sum()
        if len(summed) < MIN_ERRORS_FOR_OWN_INTERVALS:
            return np.nanmax(self.interval_errors[wanted], axis=0)
        relative = _relative_errors(summed["actual"], summed["forecast"], summed["level"])
        return np.quantile(relative, list(INTERVAL_QUANTILES.values()))


def fit_forecaster(
    matrix: CountsMatrix,
    *,
    calendar: DayCalendar,
    until: pd.Timestamp,
    settings: EngineSettings | None = None,
    backtest_booster: BoostedEnsemble | None = None,
    booster: BoostedEnsemble | None = None,
    builder: FeatureBuilder | None = None,
) -> FittedForecaster:
    """Chooses a model per sensor by backtest and fits the global model on all counts
    before `until` (a naive local midnight).

    Fits can be saved by passing models trained earlier (a rolling evaluation has them):
    `backtest_booster`, trained on data before the backtest window, scores the window;
    `booster`, trained on data before `until`, forecasts instead of a fresh fit. Either
    trained later than that would have seen the hours it is scored on, and is refused.
    """
    settings = settings or EngineSettings()
    builder = builder or FeatureBuilder(matrix, calendar)
    until_column = matrix.column_of(until)
    backtest_start = until_column - settings.backtest_days * HOURS_PER_DAY
    for given, latest in ((backtest_booster, backtest_start), (booster, until_column)):
        if given is not None and given.trained_until > latest:
            raise ValueError("a model trained on the hours it would be scored on")
    if backtest_booster is None:
        backtest_booster = train_booster(builder, backtest_start, settings)
    origins = _midnights_between(backtest_start, until_column - settings.horizon_hours)
    sensor_rows = np.arange(len(matrix.sensors))
    if len(origins):
        rows = builder.rows(sensor_rows, origins, settings.horizon_hours)
        candidates = _candidate_forecasts(rows, backtest_booster)
        actual = builder.actuals(rows.sensor_rows, rows.target_columns)
    else:
        rows, candidates, actual = None, {}, np.array([])

    observed_hours = matrix.observed_hours_before(until_column)
    choices = []
    chosen_forecast = np.full(len(actual), np.nan)
    for sensor_row, sensor in enumerate(matrix.sensors):
        mine = rows.sensor_rows == sensor_row if rows is not None else np.array([], dtype=bool)
        choice = _choose_model(
            sensor,
            int(observed_hours[sensor_row]),
            actual[mine],
            {name: values[mine] for name, values in candidates.items()},
            settings,
        )
        choices.append(choice)
        if choice.model in candidates:
            chosen_forecast[mine] = candidates[choice.model][mine]

    backtest = pd.DataFrame(
        {
            "sensor_row": rows.sensor_rows if rows is not None else [],
            "target_column": rows.target_columns if rows is not None else [],
            "actual": actual,
            "forecast": chosen_forecast,
            "level": rows.level if rows is not None else [],
        }
    ).dropna()
    return FittedForecaster(
        builder=builder,
        settings=settings,
        until_column=until_column,
        booster=(
            booster if booster is not None else train_booster(builder, until_column, settings)
        ),
        choices=tuple(choices),
        interval_errors=_interval_errors(backtest, len(matrix.sensors)),
        backtest=backtest,
    )


def _choose_model(sensor, observed_hours, actual, candidates, settings) -> ModelChoice:
    if observed_hours < settings.min_history_hours:
        model = RECENT_WEEKS_MEAN if observed_hours >= HOURS_PER_WEEK else RECENT_HOUR_OF_DAY_MEAN
        return ModelChoice(
            sensor=sensor,
            model=model,
            is_fallback=True,
            reason=_(
                "Only %(hours)d hours of history (the learned model needs %(needed)d); "
                "using a simple model."
            )
            % {"hours": observed_hours, "needed": settings.min_history_hours},
        )
    scores = {name: _wape(actual, candidates[name]) for name in CONTESTANTS if name in candidates}
    scores = {name: score for name, score in scores.items() if np.isfinite(score)}
    if not scores:
        return ModelChoice(
            sensor=sensor,
            model=SEASONAL_NAIVE,
            is_fallback=True,
            reason=_("No counts in the backtest window to compare models; using last week's."),
        )
    best = min(scores, key=scores.get)
    return ModelChoice(
        sensor=sensor,
        model=best,
        is_fallback=False,
        reason=_("Lowest error in the rolling-origin backtest."),
        backtest_wape=scores,
    )


def _interval_errors(backtest: pd.DataFrame, sensor_count: int) -> np.ndarray:
    levels = list(INTERVAL_QUANTILES.values())
    relative = _relative_errors(backtest["actual"], backtest["forecast"], backtest["level"])
    # Without any backtest errors the intervals fall back to ±100% / ±50% of the forecast.
    pooled = np.quantile(relative, levels) if len(relative) else np.array([-1.0, -0.5, 0.5, 1.0])
    result = np.tile(pooled, (sensor_count, 1))
    for sensor_row, errors in relative.groupby(backtest["sensor_row"]):
        if len(errors) >= MIN_ERRORS_FOR_OWN_INTERVALS:
            result[int(sensor_row)] = np.quantile(errors, levels)
    return result


def calendar_for(matrix: CountsMatrix, region: str, extra_days: int = 0) -> DayCalendar:
    """The calendar the feature builder needs for `matrix`, plus `extra_days` ahead."""
    margin = pd.Timedelta(days=CALENDAR_MARGIN_DAYS)
    return build_day_calendar(
        region,
        (matrix.first_day - margin).date(),
        (matrix.last_day + margin + pd.Timedelta(days=extra_days)).date(),
    )


def _aware(starts_at: pd.Series, time_zone: str) -> pd.Series:
    """Local wall-clock to aware times; an hour that does not exist (spring forward) is
    NaT, and a repeated hour (fall back) is read as the first of the two."""
    return starts_at.dt.tz_localize(
        zoneinfo.ZoneInfo(time_zone),
        ambiguous=np.ones(len(starts_at), dtype=bool),
        nonexistent="NaT",
    )


def forecast_sensors(
    counts: pd.DataFrame,
    *,
    region: str,
    time_zone: str,
    horizon_hours: int = 24,
    settings: EngineSettings | None = None,
) -> tuple[pd.DataFrame, FittedForecaster]:
    """Forecasts every sensor for the hours after the last count in `counts` (the long
    frame of `io.read_counts_csv`). Returns the forecasts, with timezone-aware
    `starts_at`, and the fitted forecaster, whose `choices` say which model each sensor
    uses and why."""
    settings = settings or EngineSettings(horizon_hours=horizon_hours)
    last = counts["timestamp"].max()
    origin = last + pd.Timedelta(hours=1)
    # The grid must reach past the origin by the horizon, and the model is fitted at the
    # last midnight so its training and backtest stay on whole days.
    extended = pd.concat(
        [
            counts,
            pd.DataFrame(
                {
                    "timestamp": [origin + pd.Timedelta(hours=MAX_HORIZON_HOURS)],
                    "sensor": [counts["sensor"].iloc[0]],
                    "count": [np.nan],
                }
            ),
        ]
    )
    matrix = CountsMatrix.from_long(extended)
    fitted = fit_forecaster(
        matrix, calendar=calendar_for(matrix, region), until=origin.floor("D"), settings=settings
    )
    frame = fitted.forecast(origin, horizon_hours)
    frame["starts_at"] = _aware(frame["starts_at"], time_zone)
    return frame.dropna(subset=["starts_at"]).reset_index(drop=True), fitted


def forecast_area(
    sensor_forecasts: pd.DataFrame, fitted: FittedForecaster, sensors: list[str]
) -> pd.DataFrame:
    """An area's forecast: the sum of its sensors, with intervals from the backtest
    errors of that sum."""
    part = sensor_forecasts[sensor_forecasts["sensor"].isin(sensors)]
    summed = part.groupby("starts_at", as_index=False).agg(
        step=("step", "first"), forecast=("forecast", "sum"), level=("level", "sum")
    )
    errors = fitted.area_interval_errors(sensors)
    scale = summed["forecast"] + ERROR_SCALE_LEVEL_SHARE * summed["level"]
    for position, bound in enumerate(INTERVAL_QUANTILES):
        summed[bound] = np.clip(summed["forecast"] + errors[position] * scale, 0.0, None)
    return summed
