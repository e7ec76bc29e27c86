"""Running work in the background. With a Celery broker configured, a job goes to the
workers; in the embedded default it runs in a thread of this process, so a laptop needs no
server. With JOBS_INLINE (tests) it runs at once, inside the caller's transaction, so its
effects are visible when the call returns."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)


def _run_in_thread(task, args, kwargs) -> None:
    def target():
        close_old_connections()
        try:
            task.run(*args, **kwargs)
        except Exception:
            logger.exception("background job %s failed", task.name)
        finally:
            close_old_connections()

    threading.Thread(target=target, name=f"job-{task.name}", daemon=True).start()


def enqueue(task, *args, **kwargs) -> None:
    """Schedule a Celery task after the current transaction commits."""

    if settings.JOBS_INLINE:
        task.run(*args, **kwargs)
        return

    def send():
        if settings.CELERY_BROKER_URL:
            task.apply_async(args=args, kwargs=kwargs)
        else:
            _run_in_thread(task, args, kwargs)

    transaction.on_commit(send)
