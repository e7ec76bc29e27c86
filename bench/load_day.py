"""A mixed day under load, on the loopback, against the production topology of the stack
test (tests/stack/stack.py: PostgreSQL, Redis, Mosquitto, `parkos serve --workers 2`, Celery,
ingest workers), at several multiples of the demo's data. Locust plays the people (tenants
browsing and raising tickets, the desk dispatching, providers answering enquiries, the IOC
dashboard open with its live stream: bench/load_locustfile.py) while 1,000 devices publish.
Prints p50, p95 and p99 per page kind at each scale, the errors, and how p95 grows from one
scale to the next; the last line is one JSON object.

    .venv/bin/python bench/load_day.py                      # 10x and 100x, a new stack
    .venv/bin/python bench/load_day.py --attach DIR         # a stack kept by run.py --keep

The data is multiplied in the database: tickets, orders, approval cases and notifications are
copied (new ids, unique numbers suffixed), keeping their enterprise, provider and dates, so
each person's lists hold `scale` times the demo's rows."""

import argparse
import csv
import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "stack"))

from devices import fleet_run  # noqa: E402

from stack import VENV_BIN, Stack, port_open, wait_until  # noqa: E402

# Tables whose rows are multiplied, parents before children.
SCALED = ("property_ticket", "marketplace_order", "approvals_case", "approvals_notification")
SCALE_STATE = "bench_scale_state"


def _connect(stack: Stack):
    import psycopg

    return psycopg.connect(stack.env["DATABASE_URL"], autocommit=True)


def _table_shape(cursor, table: str):
    """(columns, primary key column, its type, single-column unique text columns with their
    lengths), or None when the table's unique rules are not ones a copy can keep."""
    cursor.execute(
        "SELECT column_name, data_type, character_maximum_length, is_identity, column_default "
        "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    columns = cursor.fetchall()
    if not columns:
        return None
    cursor.execute(
        "SELECT i.indisprimary, array_agg(a.attname ORDER BY a.attnum), i.indpred IS NOT NULL "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
        "WHERE c.relname = %s AND i.indisunique GROUP BY i.indexrelid, i.indisprimary, i.indpred",
        [table],
    )
    types = {name: (kind, length) for name, kind, length, _, _ in columns}
    pk, suffixed = None, {}
    for primary, names, _partial in cursor.fetchall():
        if primary:
            if len(names) != 1:
                return None
            pk = names[0]
            continue
        # A copy keeps a unique rule when one text column of it is suffixed.
        text = [n for n in names if types[n][0] in ("character varying", "text")]
        if not text:
            return None
        # The longest: a short one is usually a code a CHECK rule keeps to its choices.
        widest = max(text, key=lambda n: types[n][1] or 10**6)
        suffixed[widest] = types[widest][1]
    if pk is None or types[pk][0] not in ("uuid", "bigint", "integer"):
        return None
    return columns, pk, types[pk][0], suffixed


def scale_to(stack: Stack, scale: int, report=print) -> dict:
    """Copies of the demo's rows until each scaled table holds `scale` times them."""
    added = {}
    with _connect(stack) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SCALE_STATE} (name text PRIMARY KEY, copies int)"
        )
        for table in SCALED:
            shape = _table_shape(cursor, table)
            if shape is None:
                report(f"  {table}: not scaled (its unique rules do not allow plain copies)")
                continue
            columns, pk, pk_type, suffixed = shape
            originals = f"bench_originals_{table}"
            cursor.execute(f"SELECT to_regclass('{originals}')")
            if cursor.fetchone()[0] is None:
                cursor.execute(f"CREATE TABLE {originals} AS SELECT {pk} AS id FROM {table}")
            cursor.execute(f"SELECT copies FROM {SCALE_STATE} WHERE name = %s", [table])
            row = cursor.fetchone()
            done = row[0] if row else 0
            wanted = scale - 1
            if wanted <= done:
                continue
            names, values = [], []
            for name, _kind, _length, identity, _default in columns:
                if name == pk:
                    if pk_type == "uuid":
                        names.append(name)
                        values.append("gen_random_uuid()")
                    # An integer key takes its sequence's next value.
                    continue
                if identity == "YES" and name != pk:
                    continue
                names.append(name)
                if name in suffixed:
                    length = suffixed[name] or 200
                    values.append(
                        f"CASE WHEN t.{name} = '' THEN t.{name} "
                        f"ELSE left(t.{name}, {length} - 7) || '~' || lpad(g::text, 5, '0') END"
                    )
                else:
                    values.append(f"t.{name}")
            began = time.monotonic()
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
                f"FROM {table} t JOIN {originals} o ON o.id = t.{pk} "
                f"CROSS JOIN generate_series(%s::int, %s::int) g",
                [done + 1, wanted],
            )
            added[table] = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {SCALE_STATE} VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET copies = EXCLUDED.copies",
                [table, wanted],
            )
            report(f"  {table}: +{added[table]} rows in {time.monotonic() - began:.0f}s")
        cursor.execute("ANALYZE")
    return added


def locust_run(stack: Stack, *, users: int, seconds: int, prefix: Path) -> dict:
    subprocess.run(
        [
            VENV_BIN / "locust",
            "-f",
            ROOT / "bench" / "load_locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 10, 1)),
            "--run-time",
            f"{seconds}s",
            "--host",
            stack.base_url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        check=False,
        capture_output=True,
        timeout=seconds + 300,
    )
    figures = {}
    with open(f"{prefix}_stats.csv") as source:
        for row in csv.DictReader(source):
            name = "all" if row["Name"] == "Aggregated" else row["Name"]
            count = int(row["Request Count"])
            if not count:
                continue
            figures[name] = {
                "requests": count,
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "rps": round(float(row["Requests/s"]), 2),
            }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attach", type=Path, help="a stack kept by tests/stack/run.py --keep")
    parser.add_argument("--scales", default="10,100")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--period", type=float, default=10.0, help="seconds between readings")
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    scales = [int(s) for s in options.scales.split(",")]
    stack = Stack.attach(options.attach) if options.attach else Stack(keep=options.keep)
    results: dict = {"scales": {}, "users": options.users, "seconds": options.seconds}
    fleet = None
    try:
        if not options.attach:
            stack.prepare(report=print)
            stack.save_state()
        devices_file = stack.directory / f"devices-{options.devices}.json"
        if not devices_file.exists():
            stack.run(
                VENV_BIN / "python",
                ROOT / "tests" / "stack" / "django_side.py",
                "provision",
                "--devices",
                options.devices,
                "--out",
                devices_file,
            )
        devices = json.loads(devices_file.read_text())
        stack.start_services()
        wait_until(lambda: port_open(stack.web_port), timeout=120, what="the web server")
        context = multiprocessing.get_context("fork")
        stop, drain = context.Event(), context.Event()
        fleet = context.Process(
            target=fleet_run,
            args=(
                stack.mqtt_port,
                devices,
                options.period,
                stop,
                drain,
                str(stack.directory / "load-fleet.json"),
            ),
            daemon=True,
        )
        fleet.start()
        for scale in scales:
            print(f"scaling the data to {scale}x the demo's")
            results.setdefault("rows_added", {})[scale] = scale_to(stack, scale)
            # The first minutes after a restart or a bulk insert are not the day's.
            locust_run(
                stack, users=max(options.users // 4, 1), seconds=20, prefix=stack.directory / "warm"
            )
            figures = locust_run(
                stack,
                users=options.users,
                seconds=options.seconds,
                prefix=stack.directory / f"load-{scale}x",
            )
            results["scales"][scale] = figures
            print(f"{scale}x: {'kind':<38} {'n':>6} {'fail':>5} {'p50':>7} {'p95':>7} {'p99':>7}")
            for name, f in sorted(figures.items()):
                print(
                    f"      {name:<38} {f['requests']:>6} {f['failures']:>5} "
                    f"{f['p50_ms']:>7.0f} {f['p95_ms']:>7.0f} {f['p99_ms']:>7.0f}"
                )
        if len(scales) >= 2:
            low, high = results["scales"][scales[0]], results["scales"][scales[-1]]
            results["p95_growth"] = {
                name: round(high[name]["p95_ms"] / low[name]["p95_ms"], 2)
                for name in high
                if name in low and low[name]["p95_ms"]
            }
            print(f"p95 growth from {scales[0]}x to {scales[-1]}x:")
            for name, ratio in sorted(results["p95_growth"].items()):
                print(f"      {name:<38} {ratio:>5.2f}x")
        stop.set()
        fleet.join(120)
    finally:
        if fleet is not None and fleet.is_alive():
            fleet.terminate()
        stack.stop()
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
