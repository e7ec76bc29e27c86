from celery import shared_task


@shared_task(name="crowd.refresh_forecasts")
def refresh_forecasts() -> int:
    """Hourly: one chunk task per group of areas, spread over the workers (run here, one
    after another, when there is no broker)."""
    from parkos.crowd.services import forecasts_refresh

    return forecasts_refresh()


@shared_task(name="crowd.refresh_forecast_chunk")
def refresh_forecast_chunk(area_ids: list, counter_ids: list, origin: str) -> dict:
    from parkos.crowd.services import forecast_chunk_refresh

    return forecast_chunk_refresh(area_ids=area_ids, counter_ids=counter_ids, origin=origin)


@shared_task(name="crowd.rollup")
def rollup() -> dict:
    """Every few minutes: live counts into hourly counts, and live-count warnings."""
    from parkos.crowd.services import counts_rollup

    return counts_rollup()
