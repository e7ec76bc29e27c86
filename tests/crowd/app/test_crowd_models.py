"""Scoping (models.py): every crowd model shows an actor only the rows of the parks they
watch, and an anonymous caller or a tenant nothing."""

from django.contrib.auth.models import AnonymousUser

from crowd.factories import (
    AreaFactory,
    CounterFactory,
    CrowdWarningFactory,
    ForecastPointFactory,
    HourlyCountFactory,
)
from parkos.crowd.models import Area, Counter, CrowdWarning, ForecastPoint, HourlyCount


def _rows(park):
    area = AreaFactory(park=park)
    counter = CounterFactory(area=area)
    return {
        Area: {area.pk},
        Counter: {counter.pk},
        HourlyCount: {HourlyCountFactory(counter=counter).pk},
        ForecastPoint: {
            ForecastPointFactory(area=area).pk,
            ForecastPointFactory(area=None, counter=counter).pk,
        },
        CrowdWarning: {CrowdWarningFactory(area=area).pk},
    }


def test_each_model_shows_the_readers_parks_only(crowd):
    mine = _rows(crowd.park)
    theirs = _rows(crowd.other_park)
    for model in mine:
        assert set(model.objects.visible_to(crowd.ioc).values_list("pk", flat=True)) == mine[model]
        seen_by_other = set(model.objects.visible_to(crowd.other_ioc).values_list("pk", flat=True))
        assert seen_by_other == theirs[model]
        for nobody in (crowd.tenant, AnonymousUser(), None):
            assert not model.objects.visible_to(nobody).exists()
