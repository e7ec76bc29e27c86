import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")

app = Celery("parkos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _require_deployment_key(**kwargs):
    from parkos.core.secrets import require_deployment_key

    require_deployment_key()
