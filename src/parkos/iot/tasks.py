from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from parkos.iot.partitions import telemetry_partitions_ensure


@shared_task(name="iot.check_silence")
def check_silence() -> int:
    from parkos.iot.rules import rules_silence_check

    return rules_silence_check()


@shared_task(name="iot.rollup_five_minutes")
def rollup_five_minutes() -> int:
    from parkos.iot.rollup import rollups_refresh

    return rollups_refresh()


@shared_task(name="iot.rollup_last_hours")
def rollup_last_hours() -> int:
    from parkos.iot.retention import telemetry_rollup

    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    return telemetry_rollup(start=end - timedelta(hours=3), end=end)


@shared_task(name="iot.expire_raw")
def expire_raw() -> int:
    from parkos.iot.retention import telemetry_expire

    today = timezone.localdate()
    telemetry_partitions_ensure(start=today, end=today + timedelta(days=70))
    return telemetry_expire()
