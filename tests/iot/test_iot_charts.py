"""Charts and floor views (charts.py): the chart names its metric, says when there is
nothing to draw, and the floor view explains its colours."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from iot.factories import reading_send
from parkos.iot.models import LatestValue


def page_as(client, user, url, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override(language):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.django_db
def test_chart_title_names_the_metric(client, site, make_device):
    device, _ = make_device("climate")
    reading_send(device, timezone.now() - timedelta(minutes=5), temperature=22)
    page = page_as(client, site.ioc, f"/iot/?device={device.id}", "zh-hans").content.decode()
    assert "温度 (°C)" in page
    assert "· temperature" not in page


@pytest.mark.django_db
def test_parking_sensor_chart_says_there_is_nothing_to_draw(client, site, make_device):
    device, _ = make_device("parking")
    page = page_as(client, site.ioc, f"/iot/?device={device.id}", "en").content.decode()
    assert 'data-testid="chart-empty"' in page
    assert 'id="ioc-device-chart"' not in page


@pytest.mark.django_db
def test_floor_view_has_a_legend_and_no_stray_dot(client, site, make_device):
    make_device("climate")
    page = page_as(client, site.ioc, f"/iot/buildings/{site.building.id}/", "en").content.decode()
    assert 'data-testid="floor-legend"' in page
    assert "1 device</small>" in page
    assert "· </small>" not in page
    assert LatestValue.objects.count() == 0
