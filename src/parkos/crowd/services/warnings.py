"""Early warnings: an area's forecast upper bound, or its live count, passing the warning or
critical threshold. Each active warning is mirrored as an IOC alarm (source "crowd") and
cleared, with its alarm, when the risk passes. Every state change is kept as an event."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from parkos.core.texts import text, text_render, translatable
from parkos.crowd.events import warning_event_record
from parkos.crowd.models import (
    BOUND_NAMES,
    Area,
    CrowdWarning,
    ForecastPoint,
    WarningEventKind,
    WarningKind,
    WarningLevel,
    WarningStatus,
)
from parkos.crowd.services.counts import current_hour
from parkos.crowd.workflows import WARNING
from parkos.iot.services import (
    alarm_clear_external,
    alarm_message_refresh_external,
    alarm_raise_external,
)

ALARM_SOURCE = "crowd"
ALARM_SEVERITY = {WarningLevel.WARNING: "warning", WarningLevel.CRITICAL: "critical"}


def warning_hours() -> int:
    """How far ahead forecasts raise warnings."""
    return getattr(settings, "CROWD_WARNING_HOURS", 24)


def warning_bound() -> str:
    """Which forecast bound is compared with the thresholds: the upper end of the 80%
    interval by default, so a likely crowd is warned of, not only the expected one."""
    return getattr(settings, "CROWD_WARNING_BOUND", "upper_80")


@dataclass(frozen=True)
class Risk:
    level: str
    expected_at: datetime
    expected_count: int
    threshold: int
    lead_hours: int
    # Which forecast value `expected_count` is (a bound of the interval, or the point
    # forecast `expected`), and the point forecast itself; "" for a live count.
    bound: str = ""
    point_count: int | None = None


def _level_of(area: Area, value: float) -> str | None:
    if value >= area.critical_threshold:
        return WarningLevel.CRITICAL
    if value >= area.warning_threshold:
        return WarningLevel.WARNING
    return None


def forecast_risk(area: Area, points, hour: datetime) -> Risk | None:
    """The worst level the forecast reaches in the window, at the first hour it does."""
    bound = warning_bound()
    worst: Risk | None = None
    for point in points:
        value = getattr(point, bound)
        level = _level_of(area, value)
        if level is None or (
            worst and (worst.level == WarningLevel.CRITICAL or level == worst.level)
        ):
            continue
        worst = Risk(
            level=level,
            expected_at=point.starts_at,
            expected_count=round(value),
            threshold=area.critical_threshold
            if level == WarningLevel.CRITICAL
            else area.warning_threshold,
            lead_hours=max(int((point.starts_at - hour) / timedelta(hours=1)), 0),
            bound=bound,
            point_count=round(point.expected),
        )
    return worst


def warning_message(area: Area, kind: str, risk: Risk) -> dict:
    """The warning's message, kept as a text translated when shown (core.texts)."""
    values = {
        "area": area.name,
        "count": risk.expected_count,
        "time": timezone.localtime(risk.expected_at).strftime("%H:%M"),
        "capacity": area.capacity,
        "threshold": risk.threshold,
        "lead": risk.lead_hours,
    }
    if kind == WarningKind.LIVE:
        return text(
            gettext_noop(
                "%(area)s has %(count)s people now (capacity %(capacity)s, threshold %(threshold)s)"
            ),
            **values,
        )
    if risk.bound in BOUND_NAMES:
        # The count is a bound, not what is expected: say so, beside the point forecast the
        # heat map shows for the same hour.
        return text(
            gettext_noop(
                "%(area)s may reach %(count)s people at %(time)s (%(bound)s; expected "
                "%(expected)s; capacity %(capacity)s, threshold %(threshold)s), in %(lead)s h"
            ),
            bound=translatable(BOUND_NAMES[risk.bound]),
            expected=risk.point_count if risk.point_count is not None else "—",
            **values,
        )
    return text(
        gettext_noop(
            "%(area)s expected %(count)s people at %(time)s (capacity %(capacity)s, "
            "threshold %(threshold)s), in %(lead)s h"
        ),
        **values,
    )


def warning_title(area: Area, kind: str, level: str) -> dict:
    if kind == WarningKind.LIVE:
        if level == WarningLevel.CRITICAL:
            return text(
                gettext_noop("%(area)s: crowd above the critical threshold now"), area=area.name
            )
        return text(gettext_noop("%(area)s: crowd above the warning threshold now"), area=area.name)
    if level == WarningLevel.CRITICAL:
        return text(gettext_noop("%(area)s: crowd may pass the critical threshold"), area=area.name)
    return text(gettext_noop("%(area)s: crowd may pass the warning threshold"), area=area.name)


def _stored(spec: dict) -> str:
    """The text in the park's language, kept beside it for exports and search."""
    with translation.override(settings.LANGUAGE_CODE):
        return text_render(spec)


def _alarm_key(warning: CrowdWarning) -> str:
    return f"{warning.area_id}:{warning.kind}:{warning.level}"


def _raise_alarm(warning: CrowdWarning) -> None:
    alarm = alarm_raise_external(
        source=ALARM_SOURCE,
        key=_alarm_key(warning),
        park=warning.area.park,
        severity=ALARM_SEVERITY[warning.level],
        title=warning_title(warning.area, warning.kind, warning.level),
        message=warning.texts.get("message") or warning.message,
    )
    warning.alarm_id = alarm.id


def warning_apply(*, area: Area, kind: str, risk: Risk | None, now: datetime | None = None):
    """Raise, update or clear the area's warning of `kind` to match `risk`."""
    now = now or timezone.now()
    with transaction.atomic():
        # Two evaluations of one area (a refresh and a roll-up) take turns on the area row,
        # so the second sees the first one's warning instead of raising its own.
        Area.objects.select_for_update().filter(pk=area.pk).first()
        active = (
            CrowdWarning.objects.select_for_update()
            .filter(area=area, kind=kind, status=WarningStatus.ACTIVE)
            .first()
        )
        if risk is None:
            if active is not None:
                active.updated_at = now
                passed = text(gettext_noop("The risk has passed."))
                WARNING.fire(
                    active,
                    "clear",
                    actor=None,
                    update_fields=["updated_at"],
                    note=_stored(passed),
                    at=now,
                    lock=False,
                    check=False,
                )
                alarm_clear_external(source=ALARM_SOURCE, key=_alarm_key(active), note=passed)
            return None
        spec = warning_message(area, kind, risk)
        message = _stored(spec)
        texts = {"message": spec}
        if active is None:
            warning = CrowdWarning(
                area=area,
                kind=kind,
                level=risk.level,
                expected_at=risk.expected_at,
                expected_count=risk.expected_count,
                threshold=risk.threshold,
                lead_hours=risk.lead_hours,
                bound=risk.bound,
                message=message[:300],
                texts=texts,
                raised_at=now,
                updated_at=now,
            )
            _raise_alarm(warning)
            warning.save()
            warning_event_record(warning, WarningEventKind.RAISED, at=now, note=message)
            return warning
        changed = active.level != risk.level or active.expected_at != risk.expected_at
        if active.level != risk.level:
            alarm_clear_external(
                source=ALARM_SOURCE,
                key=_alarm_key(active),
                note=text(gettext_noop("The level has changed.")),
            )
        active.level = risk.level
        active.expected_at = risk.expected_at
        active.expected_count = risk.expected_count
        active.threshold = risk.threshold
        active.lead_hours = risk.lead_hours
        active.bound = risk.bound
        active.message = message[:300]
        active.texts = texts
        active.updated_at = now
        if changed:
            # A new peak hour or level is news for the operations center; the lead time
            # shrinking hour by hour is not.
            _raise_alarm(active)
            warning_event_record(active, WarningEventKind.CHANGED, at=now, note=message)
        else:
            # The alarm states the figures too (threshold, count, lead time): it must not
            # keep ones the warning has left behind.
            alarm_message_refresh_external(
                source=ALARM_SOURCE, key=_alarm_key(active), message=spec
            )
        active.save()
        return active


def area_forecast_evaluate(*, area: Area, now: datetime | None = None):
    hour = current_hour(now)
    points = list(
        ForecastPoint.objects.filter(
            area=area, starts_at__gte=hour, starts_at__lt=hour + timedelta(hours=warning_hours())
        ).order_by("starts_at")
    )
    return warning_apply(
        area=area, kind=WarningKind.FORECAST, risk=forecast_risk(area, points, hour), now=now
    )


def area_live_evaluate(*, area: Area, count: float, now: datetime | None = None):
    level = _level_of(area, count)
    risk = None
    if level is not None:
        risk = Risk(
            level=level,
            expected_at=current_hour(now),
            expected_count=round(count),
            threshold=area.critical_threshold
            if level == WarningLevel.CRITICAL
            else area.warning_threshold,
            lead_hours=0,
        )
    return warning_apply(area=area, kind=WarningKind.LIVE, risk=risk, now=now)
