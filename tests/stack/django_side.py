"""What the stack test asks of the database, run as a process of its own with the stack's
environment (DATABASE_URL and the rest), so that the orchestrator needs no Django:

    python tests/stack/django_side.py provision --devices 1000 --out devices.json
    python tests/stack/django_side.py import-file --rows 20000 --out enterprises.csv
    python tests/stack/django_side.py check --accepted fleet.json

`check` prints one JSON object: the telemetry figures, the effect of each scheduled job and
every invariant that does not hold (an empty `violations` list when all hold)."""

import argparse
import importlib.util
import json
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
STACK_PARK = "stack"
IMPORT_PREFIX = "压测企业"


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
    import django

    django.setup()


# -- provisioning ---------------------------------------------------------------------------
def provision(devices: int, out: Path) -> None:
    """A park of its own with `devices` air-quality sensors, each with a token and a broker
    login (issuing a credential creates it, MQTT_URL being set)."""
    from parkos.accounts.models import Role
    from parkos.accounts.services import membership_grant, user_create
    from parkos.iot import services
    from parkos.iot.catalogue import device_types_ensure
    from parkos.parks.models import Park

    park, _ = Park.objects.get_or_create(
        code=STACK_PARK, defaults={"name": "压测园区", "city": "上海"}
    )
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(username="stack-ioc").first()
    if actor is None:
        actor = user_create(username="stack-ioc", password=os.urandom(12).hex())
        membership_grant(user=actor, role=Role.IOC_OPERATOR, park=park)
    air = device_types_ensure()["air"]
    fleet = []
    for n in range(devices):
        device = services.device_create(
            actor=actor,
            park=park,
            device_type=air,
            serial=f"STACK-{n:05d}",
            name=f"stack sensor {n}",
            audited=False,
        )
        _, token = services.credential_issue(actor=actor, device=device)
        fleet.append((str(device.id), token))
    out.write_text(json.dumps(fleet))


def import_file(rows: int, out: Path, seed: int) -> None:
    """An enterprise import file of `rows` valid rows with new credit codes (a long job),
    its enterprises named `压测企业<seed>-<n>`."""
    from parkos.parks.credit_code import ALPHABET, check_character

    rng = random.Random(seed)
    lines = ["企业名称,统一社会信用代码,行业,人数"]
    seen = set()
    while len(lines) <= rows:
        first = "91310115" + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = first + check_character(first)
        if code in seen:
            continue
        seen.add(code)
        lines.append(
            f"{IMPORT_PREFIX}{seed}-{len(lines):06d}有限公司,{code},software,{rng.randint(3, 300)}"
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def send_jobs(times: int, skip: set[str]) -> None:
    """Every job of the beat schedule sent to the workers `times` times over, at once: the
    whole day's schedule in a moment, each job delivered more than once as after a worker
    crash or a beat restart. What they leave must be what one run leaves."""
    from django.conf import settings

    from parkos.config.celery import app

    sent = []
    for _ in range(times):
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            if entry["task"] in skip:
                continue
            app.send_task(entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            sent.append(name)
    print(json.dumps({"sent": len(sent), "jobs": sorted(set(sent))}))


# -- invariants -----------------------------------------------------------------------------
class Violations(list):
    def add(self, what: str, **detail) -> None:
        self.append({"invariant": what, **detail})


def telemetry_check(accepted_path: Path, violations: Violations) -> dict:
    """Every reading the broker accepted (PUBACK success) is stored, once, with its three
    values; nothing is stored that no device sent."""
    from django.db import connection

    from parkos.iot.models import IngestCount

    fleet = json.loads(accepted_path.read_text())
    accepted = fleet["accepted_readings"]
    device_ids = sorted({d for d, _ in accepted})
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE stack_accepted (device_id uuid, ts timestamptz)")
        with cursor.copy("COPY stack_accepted (device_id, ts) FROM STDIN") as copy:
            for device_id, ts in accepted:
                copy.write_row((device_id, _ts(ts)))
        cursor.execute(
            "SELECT count(*) FROM stack_accepted a WHERE NOT EXISTS (SELECT 1 FROM "
            "iot_telemetry t WHERE t.device_id = a.device_id AND t.ts = a.ts)"
        )
        missing = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT t.device_id, t.ts, count(*) AS n FROM iot_telemetry t "
            "JOIN stack_accepted a USING (device_id, ts) GROUP BY t.device_id, t.ts) s "
            "WHERE n <> 3"
        )
        incomplete = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM iot_telemetry WHERE device_id = ANY(%s::uuid[])",
            [device_ids],
        )
        stored_points = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT DISTINCT device_id, ts FROM iot_telemetry "
            "WHERE device_id = ANY(%s::uuid[])) s",
            [device_ids],
        )
        stored_readings = cursor.fetchone()[0]
        cursor.execute("DROP TABLE stack_accepted")
    unsent = stored_readings - (len(accepted) - missing)
    if missing:
        violations.add("accepted readings stored", missing=missing, accepted=len(accepted))
    if incomplete:
        violations.add("each reading stored with its three values", incomplete=incomplete)
    if unsent > 0 and fleet["unanswered"] == 0:
        violations.add("nothing stored that was not accepted", extra=unsent)
    outcomes = Counter()
    for row in IngestCount.objects.filter(channel="mqtt"):
        outcomes[row.outcome] += row.count
    return {
        "devices": fleet["devices"],
        "readings_sent": fleet["readings"],
        "readings_accepted": len(accepted),
        "readings_unanswered_at_end": fleet["unanswered"],
        "readings_stored": stored_readings,
        "points_stored": stored_points,
        "readings_missing": missing,
        "republished_by_devices": fleet["counts"].get("republished", 0),
        "device_reconnects": fleet["counts"].get("disconnects", 0),
        "answered_no_subscribers": fleet["counts"].get("answered_0x10", 0),
        "ingest_duplicates_dropped": outcomes.get("duplicate", 0),
        "ingest_outcomes": dict(outcomes),
    }


def _ts(ms: int):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def books_check(violations: Violations) -> dict:
    """The voucher money (tests/marketplace/conftest.py's check_books for every programme),
    and the talent subsidy ledger's hash chain."""
    from parkos.marketplace.models import VoucherGrant, VoucherProgramme
    from parkos.talent.ledger import ledger_verify

    spec = importlib.util.spec_from_file_location(
        "stack_marketplace_books", TESTS / "marketplace" / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(TESTS))
    spec.loader.exec_module(module)
    programmes = list(VoucherProgramme.objects.all())
    for programme in programmes:
        try:
            module.check_books(programme)
        except AssertionError as broken:
            violations.add("voucher books balance", programme=programme.name, detail=str(broken))
        if programme.granted_total > programme.total_budget:
            violations.add("voucher budget not overspent", programme=programme.name)
    negative = VoucherGrant.objects.filter(balance__lt=0).count()
    negative += VoucherGrant.objects.filter(reserved__lt=0).count()
    if negative:
        violations.add("no voucher balance negative", grants=negative)
    chain = ledger_verify()
    if not chain.ok:
        violations.add("talent ledger chain", detail=chain.as_dict())
    return {"voucher_programmes": len(programmes), "talent_ledger_records": chain.records}


def workflows_check(violations: Violations) -> dict:
    """Every ticket, order and case in a state its workflow can reach, and its events
    leading there: the newest event names the state the object is in."""
    from parkos.approvals.models import Case
    from parkos.approvals.workflows import CASE_WORKFLOW
    from parkos.marketplace.models import Order
    from parkos.marketplace.workflows import ORDER
    from parkos.property.models import Ticket
    from parkos.property.workflows import TICKET

    figures = {}
    for label, model, workflow, link in (
        ("tickets", Ticket, TICKET, "ticket_id"),
        ("orders", Order, ORDER, "order_id"),
        ("cases", Case, CASE_WORKFLOW, "case_id"),
    ):
        states = set()
        for transition in workflow.transitions:
            states.add(transition.target)
            states.update(s for s in transition.sources if s)
        events = model._meta.get_field("events").related_model
        newest: dict = defaultdict(lambda: (None, set()))
        for owner, at, to_status in events.objects.values_list(link, "at", "to_status"):
            last_at, last = newest[owner]
            if last_at is None or at > last_at:
                newest[owner] = (at, {to_status})
            elif at == last_at:
                last.add(to_status)
        wrong_state, no_event, behind = [], [], []
        objects = list(model.objects.values_list("pk", workflow.state_field))
        for pk, state in objects:
            if state not in states:
                wrong_state.append((str(pk), state))
            if pk not in newest:
                no_event.append(str(pk))
            elif state not in newest[pk][1]:
                behind.append((str(pk), state, sorted(newest[pk][1])))
        if wrong_state:
            violations.add(
                f"{label} in a state of their workflow", sample=wrong_state[:5], n=len(wrong_state)
            )
        if no_event:
            violations.add(f"{label} with events", sample=no_event[:5], n=len(no_event))
        if behind:
            violations.add(
                f"{label}' newest event names their state", sample=behind[:5], n=len(behind)
            )
        figures[label] = len(objects)
    return figures


def jobs_check(violations: Violations) -> dict:
    """What the day's scheduled jobs left behind happened once: one overdue flag per case
    and step, one escalation per ticket and deadline, one expiry per voucher grant, one
    patrol round per schedule and day, one score per company and month."""
    from django.db.models import Count

    from parkos.approvals.models import CaseEvent, EventKind
    from parkos.marketplace.models import LedgerKind, VoucherLedgerEntry
    from parkos.property.models import TicketEvent

    twice = {
        "case flagged overdue twice": CaseEvent.objects.filter(kind=EventKind.OVERDUE)
        .values("case_id", "step_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "voucher grant expired twice": VoucherLedgerEntry.objects.filter(kind=LedgerKind.EXPIRE)
        .values("grant_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
    }
    escalations = Counter(
        (ticket_id, (data or {}).get("deadline"))
        for ticket_id, data in TicketEvent.objects.filter(kind="escalated").values_list(
            "ticket_id", "data"
        )
    )
    twice["ticket escalated twice for one deadline"] = sum(1 for n in escalations.values() if n > 1)
    for what, n in twice.items():
        if n:
            violations.add(what, n=n)
    return {
        "overdue_flags": CaseEvent.objects.filter(kind=EventKind.OVERDUE).count(),
        "escalations": sum(escalations.values()),
        "grant_expiries": VoucherLedgerEntry.objects.filter(kind=LedgerKind.EXPIRE).count(),
    }


def import_check(violations: Violations, imports: list[tuple[int, int]]) -> dict:
    """Each import (seed, rows) interrupted by a kill: done, its rows stored once."""
    from parkos.core.models import ImportJob
    from parkos.parks.models import Enterprise

    jobs = list(ImportJob.objects.filter(kind="parks.enterprises").order_by("created_at"))
    stored = {}
    for seed, rows in imports:
        n = Enterprise.objects.filter(name__startswith=f"{IMPORT_PREFIX}{seed}-").count()
        stored[seed] = n
        if n != rows:
            violations.add("the import's rows stored once", seed=seed, stored=n, rows=rows)
    unfinished = [str(j.pk) for j in jobs if j.status in ("queued", "running")]
    if unfinished:
        violations.add("every import job finished", jobs=unfinished)
    return {
        "import_jobs": [
            {"status": j.status, "created": j.created_count, "updated": j.updated_count}
            for j in jobs
        ],
        "imported_enterprises": stored,
    }


def check(accepted: Path, imports: list[tuple[int, int]]) -> dict:
    violations = Violations()
    result = {"telemetry": telemetry_check(accepted, violations)}
    result["books"] = books_check(violations)
    result["workflows"] = workflows_check(violations)
    result["job_effects"] = jobs_check(violations)
    if imports:
        result["import"] = import_check(violations, imports)
    result["violations"] = violations
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("provision")
    p.add_argument("--devices", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = commands.add_parser("import-file")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p = commands.add_parser("send-jobs")
    p.add_argument("--times", type=int, default=2)
    p.add_argument("--skip", default="", help="tasks not to send, comma-separated")
    p = commands.add_parser("check")
    p.add_argument("--accepted", type=Path, required=True)
    p.add_argument("--imports", default="", help="seed:rows,... of the imports made")
    options = parser.parse_args()
    setup()
    if options.command == "provision":
        provision(options.devices, options.out)
    elif options.command == "import-file":
        import_file(options.rows, options.out, options.seed)
    elif options.command == "send-jobs":
        send_jobs(options.times, set(filter(None, options.skip.split(","))))
    else:
        imports = [tuple(map(int, x.split(":"))) for x in options.imports.split(",") if x]
        print(json.dumps(check(options.accepted, imports), default=str))


if __name__ == "__main__":
    main()
