"""Fixtures of the crowd app's tests: a park with its people, areas, counters and hourly
counts with a daily rhythm, and engine settings small enough for a fit in a second."""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pytest

from factories import EnterpriseFactory, ParkFactory, member
from parkos.accounts.models import Role

FAST_ENGINE = {
    "training_days": 35,
    "backtest_days": 7,
    "min_history_hours": 14 * 24,
    "boosting_rounds": 25,
    "min_rows_per_leaf": 20,
    "learning_rate": 0.2,
}


@pytest.fixture(autouse=True)
def _fast_engine(settings):
    settings.CROWD_ENGINE_SETTINGS = FAST_ENGINE
    settings.CROWD_FORECAST_HOURS = 24
    settings.CROWD_HISTORY_DAYS = 60


@dataclass
class Crowd:
    park: object
    other_park: object
    ioc: object
    operator: object
    other_ioc: object
    tenant: object


@pytest.fixture
def crowd(db):
    park = ParkFactory(code="pujiang", name="浦江软件园")
    other_park = ParkFactory()
    return Crowd(
        park=park,
        other_park=other_park,
        ioc=member(Role.IOC_OPERATOR, park=park),
        operator=member(Role.OPERATOR_ADMIN, park=park),
        other_ioc=member(Role.IOC_OPERATOR, park=other_park),
        tenant=member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(park=park)),
    )


@pytest.fixture
def make_area():
    from parkos.crowd.services import area_create

    def make(
        park, name="中心广场", kind="plaza", capacity=1200, warning=1000, critical=1400, **extra
    ):
        return area_create(
            actor=None,
            park=park,
            name=name,
            kind=kind,
            capacity=capacity,
            warning_threshold=warning,
            critical_threshold=critical,
            **extra,
        )

    return make


def rhythm(hours: np.ndarray, peak: float, seed: int) -> np.ndarray:
    """People per hour with a midday peak and quieter weekends, plus noise."""
    hour_of_day = hours % 24
    shape = 0.05 + np.exp(-((hour_of_day - 13) ** 2) / 10.0)
    weekday = ((hours // 24) % 7) < 5
    noise = np.random.default_rng(seed).normal(1.0, 0.05, len(hours))
    return np.round(peak * shape * np.where(weekday, 1.0, 0.7) * noise).clip(0)


@pytest.fixture
def fill_counts():
    """Writes `days` of hourly counts ending just before `end` for a counter."""
    from parkos.crowd.models import CountSource, HourlyCount

    def fill(counter, *, end, days, peak=800.0, seed=1, skip=()):
        start = end - timedelta(days=days)
        # Hour 0 of the series is the local midnight `days` before the end of a whole day.
        hours = np.arange(days * 24)
        values = rhythm(hours + start.hour + 24 * start.weekday(), peak, seed)
        rows = [
            HourlyCount(
                counter=counter,
                starts_at=start + timedelta(hours=int(h)),
                count=float(values[h]),
                source=CountSource.IMPORT,
            )
            for h in hours
            if int(h) not in skip
        ]
        HourlyCount.objects.bulk_create(rows)
        return rows

    return fill
