"""Every write of crowd flow (see the modules for each subdomain)."""

from parkos.crowd.services.areas import area_create, area_update, counter_create
from parkos.crowd.services.counts import counts_import, counts_rollup
from parkos.crowd.services.forecasts import forecast_chunk_refresh, forecasts_refresh
from parkos.crowd.services.warnings import (
    area_forecast_evaluate,
    area_live_evaluate,
    warning_apply,
)

__all__ = [
    "area_create",
    "area_forecast_evaluate",
    "area_live_evaluate",
    "area_update",
    "counter_create",
    "counts_import",
    "counts_rollup",
    "forecast_chunk_refresh",
    "forecasts_refresh",
    "warning_apply",
]
