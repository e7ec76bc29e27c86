"""Registering devices and their types, issuing and revoking credentials, and alarm rules."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import imports
from parkos.core.audit import audit_record
from parkos.core.errors import ValidationFailed
from parkos.iot import permissions
from parkos.iot.credentials import identity_forget, token_hash, token_new
from parkos.iot.models import (
    AlarmRule,
    Comparison,
    Device,
    DeviceCredential,
    DeviceKind,
    DeviceType,
    RuleKind,
    Severity,
    TelemetryKey,
    ValueKind,
)

logger = logging.getLogger(__name__)


def device_type_create(*, code: str, name: str, kind: str, keys: list[dict], offline_after=900):
    """A device type with its keys: `[{"key", "name", "unit", "value_kind"}]`. Types are
    shared by the whole network, so this is for set-up and the demo, not tenants."""
    if kind not in DeviceKind.values:
        raise ValidationFailed.for_field("kind", _("Unknown device kind."))
    with transaction.atomic():
        device_type = DeviceType.objects.create(
            code=code, name=name, kind=kind, offline_after=offline_after
        )
        TelemetryKey.objects.bulk_create(
            TelemetryKey(
                device_type=device_type,
                key=spec["key"],
                name=spec.get("name", spec["key"]),
                unit=spec.get("unit", ""),
                value_kind=spec.get("value_kind", ValueKind.NUMBER),
                raw_retention_days=spec.get("raw_retention_days", 90),
            )
            for spec in keys
        )
    return device_type


def _check_place(*, park, building, floor, unit, gateway) -> None:
    if building is not None and building.park_id != park.id:
        raise ValidationFailed.for_field("building", _("The building is not in this park."))
    if floor is not None and (building is None or floor.building_id != building.id):
        raise ValidationFailed.for_field("floor", _("The floor is not in this building."))
    if unit is not None and (floor is None or unit.floor_id != floor.id):
        raise ValidationFailed.for_field("unit", _("The unit is not on this floor."))
    if gateway is not None and (
        gateway.park_id != park.id or gateway.device_type.kind != DeviceKind.GATEWAY
    ):
        raise ValidationFailed.for_field("gateway", _("Not a gateway of this park."))


def device_create(
    *,
    actor,
    park,
    device_type: DeviceType,
    serial: str,
    name: str,
    building=None,
    floor=None,
    unit=None,
    gateway=None,
    map_x: float = 50,
    map_y: float = 50,
    attributes: dict | None = None,
    audited: bool = True,
) -> Device:
    permissions.require_operate(actor, park.id)
    serial = (serial or "").strip()
    if not serial or len(serial) > 64:
        raise ValidationFailed.for_field("serial", _("Give a serial number of 1–64 characters."))
    if Device.objects.filter(serial=serial).exists():
        raise ValidationFailed.for_field("serial", _("A device with this serial already exists."))
    if not (0 <= map_x <= 100 and 0 <= map_y <= 100):
        raise ValidationFailed.for_field("map_x", _("Map positions run from 0 to 100."))
    _check_place(park=park, building=building, floor=floor, unit=unit, gateway=gateway)
    with transaction.atomic():
        device = Device.objects.create(
            park=park,
            device_type=device_type,
            serial=serial,
            name=(name or serial)[:100],
            building=building,
            floor=floor,
            unit=unit,
            gateway=gateway,
            map_x=map_x,
            map_y=map_y,
            attributes=attributes or {},
        )
        if audited:
            audit_record(actor=actor, action="iot.device_create", instance=device, park_id=park.id)
    return device


def credential_issue(
    *, actor, device: Device, token: str | None = None
) -> tuple[DeviceCredential, str]:
    """A new token for the device; any earlier one is revoked (rotation). The token is
    returned once, in clear, and is the device's MQTT password too. `token` is for the demo,
    whose simulator derives its devices' tokens (see simulator.demo_token)."""
    permissions.require_operate(actor, device.park_id)
    token = token or token_new()
    with transaction.atomic():
        old = list(device.credentials.filter(revoked_at__isnull=True).select_for_update())
        now = timezone.now()
        for credential in old:
            credential.revoked_at = now
            credential.save(update_fields=["revoked_at"])
        credential = DeviceCredential.objects.create(
            device=device, token_hash=token_hash(token), token_prefix=token[:6]
        )
        audit_record(
            actor=actor,
            action="iot.credential_issue",
            instance=device,
            changes={"revoked": len(old)},
            park_id=device.park_id,
        )
        hashes = [c.token_hash for c in old]
        # Forgotten now and again after commit, so no reader re-caches the old token between.
        identity_forget(device_id=device.id, token_hashes=hashes)
        transaction.on_commit(lambda: identity_forget(device_id=device.id, token_hashes=hashes))
        transaction.on_commit(lambda: _broker(lambda b: b.device_allow(device.id, token)))
    return credential, token


def credential_revoke(*, actor, device: Device) -> int:
    permissions.require_operate(actor, device.park_id)
    with transaction.atomic():
        live = list(device.credentials.filter(revoked_at__isnull=True).select_for_update())
        for credential in live:
            credential.revoked_at = timezone.now()
            credential.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="iot.credential_revoke",
            instance=device,
            changes={"revoked": len(live)},
            park_id=device.park_id,
        )
        hashes = [c.token_hash for c in live]
        identity_forget(device_id=device.id, token_hashes=hashes)
        transaction.on_commit(lambda: identity_forget(device_id=device.id, token_hashes=hashes))
        transaction.on_commit(lambda: _broker(lambda b: b.device_deny(device.id)))
    return len(live)


def _broker(action) -> None:
    """Mirror a credential change on the MQTT broker when there is one."""
    if not settings.MQTT_URL:
        return
    from parkos.iot.broker import broker_admin

    try:
        with broker_admin() as admin:
            action(admin)
    except Exception:
        logger.exception("MQTT broker not updated; run `parkos iot-broker-sync`")


def _import_permission(actor, ctx) -> None:
    permissions.require_operate(actor, ctx.park_id)


def _import_prepare(ctx) -> None:
    from parkos.parks import selectors as park_selectors

    ctx.state["park"] = park_selectors.park_get(actor=ctx.actor, park_id=ctx.park_id)
    ctx.state["types"] = {t.code: t for t in DeviceType.objects.all()}
    ctx.state["buildings"] = {
        b.name: b for b in park_selectors.building_list(actor=ctx.actor, park_id=ctx.park_id)
    }
    ctx.state["serials"] = set()


def _import_clean(row: dict[str, str], ctx) -> tuple:
    state = ctx.state
    problems: dict[str, list[str]] = {}
    device_type = state["types"].get(row.get("type", ""))
    if device_type is None:
        problems["type"] = [_("unknown device type")]
    serial = row.get("serial", "")
    if not serial or serial in state["serials"] or Device.objects.filter(serial=serial).exists():
        problems["serial"] = [_("missing or repeated serial")]
    state["serials"].add(serial)
    building = floor = None
    if row.get("building"):
        building = state["buildings"].get(row["building"])
        if building is None:
            problems["building"] = [_("unknown building")]
    if building is not None and row.get("floor"):
        try:
            floor = building.floors.get(level=int(row["floor"]))
        except (ValueError, building.floors.model.DoesNotExist):
            problems["floor"] = [_("unknown floor")]
    try:
        x, y = float(row.get("x") or 50), float(row.get("y") or 50)
        if not (0 <= x <= 100 and 0 <= y <= 100):
            problems["x"] = [_("Map positions run from 0 to 100.")]
    except ValueError:
        problems["x"] = [_("map position is not a number")]
        x = y = 50
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], fields=problems)
    return serial, row, device_type, building, floor, x, y


def _import_write(rows: list[tuple], ctx) -> dict:
    park = ctx.state["park"]
    tokens = {}
    created = {}
    for serial, row, device_type, building, floor, x, y in rows:
        device = device_create(
            actor=ctx.actor,
            park=park,
            device_type=device_type,
            serial=serial,
            name=row.get("name") or serial,
            building=building,
            floor=floor,
            gateway=created.get(row.get("gateway", "")),
            map_x=x,
            map_y=y,
            audited=False,
        )
        created[serial] = device
        tokens[serial] = credential_issue(actor=ctx.actor, device=device)[1]
    audit_record(
        actor=ctx.actor,
        action="iot.devices_import",
        instance=park,
        changes={"created": len(created)},
        park_id=park.id,
    )
    return {"created": len(tokens), "tokens": tokens}


def _device_field(name: str):
    return Device._meta.get_field(name).verbose_name


DEVICE_IMPORTER = imports.Importer(
    kind="iot.devices",
    label=gettext_lazy("Devices"),
    columns=(
        imports.Column(
            "serial", _device_field("serial"), ("序列号", "设备编号"), required=True, max_length=64
        ),
        imports.Column(
            "name", _device_field("name"), ("名称", "设备名称"), required=True, max_length=100
        ),
        imports.Column("type", _device_field("device_type"), ("设备类型", "类型"), required=True),
        imports.Column("building", _device_field("building"), ("楼宇",)),
        imports.Column("floor", _device_field("floor"), ("楼层",)),
        imports.Column("x", _device_field("map_x"), ()),
        imports.Column("y", _device_field("map_y"), ()),
        imports.Column("gateway", _device_field("gateway"), ("网关",)),
    ),
    clean_row=_import_clean,
    write=_import_write,
    permission=_import_permission,
    prepare=_import_prepare,
    title_column="serial",
    max_bytes=2 * 1024 * 1024,
)


def devices_import_csv(*, actor, park, content: bytes, file_name: str = "devices.csv") -> dict:
    """Register devices from a CSV or Excel file (columns: serial, name, type, building,
    floor, x, y, gateway), all or nothing, through the core import kernel. Returns
    {"created": n, "tokens": {serial: token}} (the tokens are shown once, so this runs in
    the request, not as a job) or raises with a report of every bad row."""
    try:
        summary = imports.import_file(
            importer=DEVICE_IMPORTER,
            actor=actor,
            file_name=file_name,
            content=content,
            park_id=park.id,
        )
    except imports.ImportRefused as refused:
        fields: dict[str, list[str]] = {}
        for error in refused.errors:
            label = DEVICE_IMPORTER.label_of(error.column)
            fields.setdefault(f"row {error.row}", []).append(
                f"{label}: {error.message}" if label else error.message
            )
        raise ValidationFailed(
            _("No device was registered: fix the rows listed."), code=refused.code, fields=fields
        ) from refused
    return {"created": summary["created"], "tokens": summary["tokens"]}


RULE_FIELDS = [
    "name",
    "key",
    "comparison",
    "low",
    "high",
    "duration",
    "rate_per_minute",
    "silence_minutes",
    "conditions",
    "severity",
    "opens_ticket",
    "ticket_category",
    "ticket_priority",
    "auto_clear",
    "enabled",
]


def _rule_check(rule: AlarmRule) -> None:
    if rule.severity not in Severity.values:
        raise ValidationFailed.for_field("severity", _("Unknown severity."))
    if rule.kind not in RuleKind.values:
        raise ValidationFailed.for_field("kind", _("Unknown rule kind."))
    if rule.device_type_id is None and rule.device_id is None:
        raise ValidationFailed.for_field("device_type", _("Choose a device type or a device."))
    if rule.kind in (RuleKind.THRESHOLD, RuleKind.RATE) and not rule.key:
        raise ValidationFailed.for_field("key", _("Name the key the rule watches."))
    if rule.kind == RuleKind.THRESHOLD:
        _comparison_check(rule.comparison, rule.low, rule.high, field="comparison")
    if rule.kind == RuleKind.RATE and not rule.rate_per_minute:
        raise ValidationFailed.for_field(
            "rate_per_minute", _("Give the largest change per minute.")
        )
    if rule.kind == RuleKind.NO_DATA and not rule.silence_minutes:
        raise ValidationFailed.for_field("silence_minutes", _("Give the minutes of silence."))
    if rule.kind == RuleKind.COMBINATION:
        if not isinstance(rule.conditions, list) or len(rule.conditions) < 2:
            raise ValidationFailed.for_field("conditions", _("Give at least two conditions."))
        for condition in rule.conditions:
            if not isinstance(condition, dict) or not condition.get("key"):
                raise ValidationFailed.for_field("conditions", _("Each condition needs a key."))
            _comparison_check(
                condition.get("comparison"),
                condition.get("low"),
                condition.get("high"),
                field="conditions",
            )
    if rule.opens_ticket and not rule.ticket_category:
        raise ValidationFailed.for_field("ticket_category", _("Choose the ticket category."))


def _comparison_check(comparison, low, high, *, field: str) -> None:
    if comparison not in Comparison.values:
        raise ValidationFailed.for_field(field, _("Choose above, below or outside range."))
    if comparison == Comparison.ABOVE and high is None:
        raise ValidationFailed.for_field(field, _("Give the upper limit."))
    if comparison == Comparison.BELOW and low is None:
        raise ValidationFailed.for_field(field, _("Give the lower limit."))
    if comparison == Comparison.OUTSIDE and (low is None or high is None or low >= high):
        raise ValidationFailed.for_field(field, _("Give a lower limit below the upper limit."))


def rule_create(*, actor, park, kind: str, device_type=None, device=None, **fields) -> AlarmRule:
    from parkos.iot.rules import rules_changed

    permissions.require_operate(actor, park.id)
    if device is not None and device.park_id != park.id:
        raise ValidationFailed.for_field("device", _("The device is not in this park."))
    rule = AlarmRule(park=park, kind=kind, device_type=device_type, device=device)
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            raise ValidationFailed.for_field(name, _("Unknown field."))
        setattr(rule, name, value)
    if not rule.name:
        raise ValidationFailed.for_field("name", _("Give the rule a name."))
    _rule_check(rule)
    with transaction.atomic():
        rule.save()
        audit_record(actor=actor, action="iot.rule_create", instance=rule, park_id=park.id)
        rules_changed()
        transaction.on_commit(rules_changed)
    return rule


def rule_update(*, actor, rule: AlarmRule, **fields) -> AlarmRule:
    from parkos.iot.rules import rules_changed

    permissions.require_operate(actor, rule.park_id)
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            raise ValidationFailed.for_field(name, _("Unknown field."))
        # A patch sends null for "leave it"; only fields the rule may leave empty take it.
        if value is None and not AlarmRule._meta.get_field(name).null:
            raise ValidationFailed.for_field(name, _("This field cannot be null."))
        setattr(rule, name, value)
    _rule_check(rule)
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=actor,
            action="iot.rule_update",
            instance=rule,
            changes={name: getattr(rule, name) for name in fields},
            park_id=rule.park_id,
        )
        rules_changed()
        transaction.on_commit(rules_changed)
    return rule
