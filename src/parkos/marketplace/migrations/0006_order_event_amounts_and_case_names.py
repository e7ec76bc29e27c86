"""Data written before 0005 in the forms the pages could not show well:
- quote, place and refund events kept their amount as text in the note ("20000.00",
  "1500.00 · resolution"); the amount moves to its own column and the note keeps the rest;
- the supermarket's approval processes were named in both languages at once and their steps
  in English, and voucher case titles carried unformatted amounts: those still as first
  written are rewritten in the park's language. Names an operator changed are kept."""

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext as _

AMOUNT_NOTE = re.compile(r"^(-?\d+(?:\.\d+)?)(?: · (.*))?$", re.S)

OLD_PROCESS_NAMES = {
    "marketplace.provider_verification": "云服务商入驻审核 Provider verification",
    "marketplace.voucher_grant": "科技创新券申领 Innovation voucher grant",
}
OLD_STEP_NAMES = {"Operator verification", "Voucher review"}
OLD_VOUCHER_TITLE = re.compile(r"^科技创新券申领：.*，-?\d+(?:\.\d+)? 元$|^Innovation voucher: .*, -?\d+(?:\.\d+)? CNY$")


def _split(note: str):
    match = AMOUNT_NOTE.match(note.strip())
    if match is None:
        return None, note
    try:
        return Decimal(match.group(1)), match.group(2) or ""
    except InvalidOperation:
        return None, note


def event_amounts_forward(apps, schema_editor):
    OrderEvent = apps.get_model("marketplace", "OrderEvent")
    events = OrderEvent.objects.filter(
        action__in=["quote", "place", "refund", "refund_part"], amount__isnull=True
    ).exclude(note="")
    for event in events.iterator():
        amount, rest = _split(event.note)
        if amount is None:
            continue
        event.amount, event.note = amount, rest
        event.save(update_fields=["amount", "note"])


def case_names_forward(apps, schema_editor):
    Process = apps.get_model("approvals", "Process")
    Step = apps.get_model("approvals", "Step")
    Case = apps.get_model("approvals", "Case")
    VoucherApplication = apps.get_model("marketplace", "VoucherApplication")
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "marketplace.provider_verification": _("Provider verification"),
            "marketplace.voucher_grant": _("Innovation voucher grant"),
        }
        steps = {"Operator verification": _("Operator verification"), "Voucher review": _("Voucher review")}
        for code, old in OLD_PROCESS_NAMES.items():
            Process.objects.filter(code=code, name=old).update(name=names[code])
        for old, new in steps.items():
            Step.objects.filter(process__code__in=list(OLD_PROCESS_NAMES), name=old).update(name=new)
        cases = Case.objects.filter(subject_type="marketplace.voucher_application")
        for case in cases.iterator():
            if not OLD_VOUCHER_TITLE.match(case.title):
                continue
            application = (
                VoucherApplication.objects.select_related("enterprise")
                .filter(pk=case.subject_id)
                .first()
            )
            if application is None:
                continue
            case.title = _("Innovation voucher: %(enterprise)s, %(amount)s") % {
                "enterprise": application.enterprise.name,
                "amount": f"¥{application.amount:,.2f}",
            }
            case.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0005_order_event_amount_and_labels"),
        ("approvals", "0001_engine"),
    ]

    operations = [
        migrations.RunPython(event_amounts_forward, migrations.RunPython.noop),
        migrations.RunPython(case_names_forward, migrations.RunPython.noop),
    ]
