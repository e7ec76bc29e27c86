"""Loads the demo data of every app in dependency order, in one transaction."""

from importlib import import_module

from django.db import transaction
from django.utils import timezone

from parkos.demo.context import DemoContext

# Each module has `load(context)`; apps not yet shipped are skipped.
STEPS = [
    "parkos.demo.parks",
    "parkos.demo.accounts",
    "parkos.demo.approvals",
    "parkos.demo.relief",
    "parkos.demo.filings",
    "parkos.demo.marketplace",
    "parkos.demo.property",
    "parkos.demo.iot",
    "parkos.demo.crowd",
    "parkos.demo.techtransfer",
    "parkos.demo.talent",
]


def demo_loaded() -> bool:
    from parkos.parks.models import Park

    return Park.objects.filter(code="pujiang").exists()


def demo_load(*, today=None, steps: list[str] | None = None, report=print) -> DemoContext:
    context = DemoContext(today=today or timezone.localdate())
    with transaction.atomic():
        for name in steps or STEPS:
            try:
                module = import_module(name)
            except ModuleNotFoundError as missing:
                if missing.name != name:
                    raise
                continue
            report(f"  {name.rsplit('.', 1)[-1]} …")
            module.load(context)
    return context
