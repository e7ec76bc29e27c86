"""When a forecast raises a crowding warning.

A point forecast is a conditional mean: it rarely reaches a sensor's rare peaks, so
"warn when the forecast passes the threshold" misses most of them. The rule here warns
when the forecast passes `ratio` × the threshold, and `ratio` is the one that gave the
best F1 on backtest forecasts made before the moment the rule is used — a forecaster's
own rolling-origin backtest, never the hours being warned about. A ratio below 1 is the
same as warning on an upper bound of the forecast that scales with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATIO_GRID = np.round(np.arange(0.50, 1.2001, 0.01), 2)
# Below this many events in the calibration rows the literal rule (ratio 1) stands.
MIN_CALIBRATION_EVENTS = 20


@dataclass(frozen=True)
class WarningRule:
    ratio: float = 1.0
    calibration_f1: float | None = None
    calibration_events: int = 0

    def warns(self, forecast: np.ndarray, threshold: np.ndarray) -> np.ndarray:
        return np.asarray(forecast) > self.ratio * np.asarray(threshold)


def f1_score(event: np.ndarray, warning: np.ndarray) -> float:
    hits = float((event & warning).sum())
    raised, happened = float(warning.sum()), float(event.sum())
    return 2 * hits / (raised + happened) if raised + happened else 0.0


def calibrate_warning_rule(
    actual: np.ndarray, forecast: np.ndarray, threshold: np.ndarray
) -> WarningRule:
    """The ratio with the best pooled F1 over (actual, forecast, threshold) rows; ties go
    to the ratio nearest 1."""
    actual, forecast, threshold = (
        np.asarray(a, dtype=float) for a in (actual, forecast, threshold)
    )
    usable = np.isfinite(actual) & np.isfinite(forecast) & np.isfinite(threshold)
    actual, forecast, threshold = actual[usable], forecast[usable], threshold[usable]
    event = actual > threshold
    if event.sum() < MIN_CALIBRATION_EVENTS:
        return WarningRule(calibration_events=int(event.sum()))
    scores = np.array([f1_score(event, forecast > ratio * threshold) for ratio in RATIO_GRID])
    best = np.flatnonzero(scores >= scores.max() - 1e-12)
    ratio = float(RATIO_GRID[best[np.argmin(np.abs(RATIO_GRID[best] - 1.0))]])
    return WarningRule(
        ratio=ratio, calibration_f1=float(scores.max()), calibration_events=int(event.sum())
    )
