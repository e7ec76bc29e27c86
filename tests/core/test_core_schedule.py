import time
from datetime import timedelta

import pytest
from celery import shared_task
from celery.schedules import crontab

from parkos.core.schedule import due_entries, run_forever

pytestmark = pytest.mark.django_db

calls: list[str] = []


@shared_task(name="tests.record_call")
def record_call(label: str) -> None:
    calls.append(label)


@pytest.fixture
def schedule(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "often": {
            "task": "tests.record_call",
            "schedule": timedelta(seconds=0.01),
            "args": ("often",),
        },
        "nightly": {
            "task": "tests.record_call",
            "schedule": crontab(hour=3, minute=0),
            "args": ("nightly",),
        },
    }
    calls.clear()


def test_only_due_entries_run(schedule):
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(0.05)

    run_forever(sleep=sleep, rounds=3)
    assert "often" in calls
    assert "nightly" not in calls
    assert all(wait >= 1.0 for wait in waits)


def test_a_failing_job_does_not_stop_the_others(schedule, settings):
    settings.CELERY_BEAT_SCHEDULE["broken"] = {
        "task": "tests.record_call",
        "schedule": timedelta(seconds=0.01),
        "args": (),
    }
    run_forever(sleep=lambda seconds: time.sleep(0.05), rounds=3)
    assert calls.count("often") >= 1


def test_due_entries_waits_for_the_nearest(schedule):
    from django.utils import timezone

    now = timezone.now()
    due, wait = due_entries({}, now)
    assert due == [] and wait >= 1.0


def test_every_scheduled_task_exists(settings):
    from django.conf import settings as live_settings

    from parkos.core.schedule import current_app

    current_app.loader.import_default_modules()
    missing = [
        entry["task"]
        for entry in live_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in current_app.tasks
    ]
    assert missing == []
