"""Running the periodic jobs of CELERY_BEAT_SCHEDULE without a broker.

A deployment runs `celery beat` and workers. The embedded default has neither, so
`parkos run-schedule` (started by `make demo`) walks the same schedule in one process,
asking Celery's own schedule objects when each entry is due."""

import logging
import time
from collections.abc import Callable
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def due_entries(last_runs: dict[str, datetime], now: datetime) -> tuple[list[str], float]:
    """Names of the entries due now, and how many seconds until the next one may be."""
    due, wait = [], 60.0
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if not hasattr(schedule, "is_due"):
            from celery.schedules import schedule as every

            schedule = every(schedule)
        last = last_runs.setdefault(name, now)
        is_due, next_check = schedule.is_due(last)
        if is_due:
            due.append(name)
        wait = min(wait, next_check)
    return due, max(wait, 1.0)


def run_forever(*, sleep: Callable[[float], None] = time.sleep, rounds: int | None = None) -> None:
    # Celery imports the apps' tasks modules when a worker starts; this process is none.
    current_app.loader.import_default_modules()
    last_runs: dict[str, datetime] = {}
    done = 0
    while rounds is None or done < rounds:
        now = timezone.now()
        due, wait = due_entries(last_runs, now)
        for name in due:
            entry = settings.CELERY_BEAT_SCHEDULE[name]
            close_old_connections()
            try:
                task = current_app.tasks[entry["task"]]
                task.run(*entry.get("args", ()), **entry.get("kwargs", {}))
            except Exception:
                logger.exception("scheduled job %s failed", name)
            last_runs[name] = timezone.now()
        done += 1
        sleep(wait)
