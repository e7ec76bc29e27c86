"""The stack test: the production topology started on this machine (tests/stack/stack.py),
a scripted day run against it, faults injected while it runs, the invariants checked after
each fault and at the end, and the figures printed as ONE JSON line (the last line).

    .venv/bin/python tests/stack/run.py            # the full form (`make stack-test`)
    .venv/bin/python tests/stack/run.py --short    # the form `make test` runs under CI

The exit status is 0 when every invariant held through every fault, 1 otherwise.
`--keep` leaves the stack's directory (logs, database, broker store) for a look afterwards;
`--attach DIR` runs the day again on a stack kept that way (no demo to load again)."""

import argparse
import json
import multiprocessing
import os
import re
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from day import ROLES, Person, Timeline, api_lists, figures
from devices import fleet_run

from stack import ROOT, VENV_BIN, Stack, port_open, wait_until

HERE = Path(__file__).resolve().parent
TASK_LINE = re.compile(
    r"^\[(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+: \w+/[^\]]+\] "
    r"Task (?P<task>[\w.]+)\[(?P<id>[0-9a-f-]+)\] (?P<what>received|succeeded|raised|retry)"
)

FLEET_POINTS = (
    "SELECT count(*) FROM iot_telemetry WHERE device_id IN (SELECT d.id FROM iot_device d "
    "JOIN parks_park p ON p.id = d.park_id WHERE p.code = 'stack')"
)

FORMS = {
    "full": {
        "devices": 1000,
        "period": 10.0,
        "steady": 90,
        "settle": 45,
        "import_rows": 20000,
        "steps": [
            "celery_kill",
            "celery_child_kill",
            "day_jobs",
            "redis",
            "postgres",
            "mosquitto",
            "web_kill",
        ],
        "jobs_skipped": [],
    },
    "short": {
        "devices": 150,
        "period": 5.0,
        "steady": 20,
        "settle": 20,
        "import_rows": 10000,
        "steps": ["celery_kill", "day_jobs", "postgres"],
        # Model training (minutes of CPU each on two cores): the full form runs them.
        "jobs_skipped": ["crowd.refresh_forecasts", "property.retrain"],
    },
}


def say(message: str) -> None:
    print(f"[stack {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Day:
    def __init__(self, stack: Stack, form: dict, *, visibility_wait: float):
        self.stack = stack
        self.form = form
        self.visibility_wait = visibility_wait
        self.timeline = Timeline()
        self.people_stop = threading.Event()
        self.people: list[Person] = []
        self.faults: list[dict] = []
        self.violations: list[dict] = []
        self.figures: dict = {}
        self.imports: list[tuple[int, int]] = []
        self.jobs_sent: dict = {}

    # -- reading the stack -----------------------------------------------------------------
    def stored_points(self) -> int:
        """Readings of the fleet's devices stored so far (the simulator's are not counted)."""
        try:
            return int(self.stack.psql(FLEET_POINTS) or 0)
        except RuntimeError:
            return -1

    def task_lines(self) -> list[dict]:
        lines = []
        for n in range(1, self.stack.workers + 1):
            text = self.stack.processes[f"worker{n}"].log_text()
            for line in text.splitlines():
                match = TASK_LINE.match(line)
                if match:
                    found = match.groupdict()
                    found["worker"] = n
                    found["ts"] = datetime.strptime(found["at"], "%Y-%m-%d %H:%M:%S").timestamp()
                    lines.append(found)
        return lines

    def violation(self, what: str, **detail) -> None:
        say(f"VIOLATION {what} {detail}")
        self.violations.append({"invariant": what, **detail})

    # -- the pieces of the day -------------------------------------------------------------
    def start_people(self) -> None:
        paths = api_lists(self.stack.base_url)
        for n, role in enumerate(ROLES):
            person = Person(
                self.stack.base_url,
                role,
                self.timeline,
                self.people_stop,
                pause=1.5,
                seed=n,
                api_paths=paths,
            )
            person.start()
            self.people.append(person)

    def operator_client(self) -> httpx.Client:
        client = httpx.Client(base_url=self.stack.base_url, timeout=30)
        token = client.post(
            "/api/auth/token", json={"username": "operator", "password": "parkos-demo"}
        ).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    # -- faults ----------------------------------------------------------------------------
    def fault(self, name: str, inject, *, back=None, check=None) -> dict:
        """Inject a fault; `back()` returns once the piece serves again; then the day goes on
        for `settle` seconds and `check(record)` looks at what happened."""
        say(f"fault: {name}")
        record = {"fault": name, "began": time.monotonic()}
        detail = inject() or {}
        if back:
            back()
        record["back"] = time.monotonic()
        record["jobs_at_back"] = self.jobs_succeeded()
        record["down_seconds"] = round(record["back"] - record["began"], 1)
        record.update(detail)
        points_before = self.stored_points()
        time.sleep(self.form["settle"])
        record["settled"] = time.monotonic()
        during = self.timeline.between(record["began"], record["back"])
        after = self.timeline.between(record["back"], record["settled"])
        record["during"] = figures(during)
        record["after"] = figures(after)
        record["points_stored_after"] = self.stored_points() - points_before
        if record["after"]["errors_5xx"]:
            paths = Counter(r.path for r in after if r.status >= 500)
            self.violation(
                f"no 500 after {name}", n=record["after"]["errors_5xx"], paths=dict(paths)
            )
        if record["after"]["requests"] and record["after"]["no_answer"]:
            self.violation(f"web answers after {name}", n=record["after"]["no_answer"])
        if record["points_stored_after"] <= 0:
            self.violation(f"telemetry stored after {name}")
        if check:
            check(record)
        for key in ("began", "back", "settled", "jobs_at_back"):
            record.pop(key)
        self.faults.append(record)
        return record

    def jobs_succeeded(self) -> int:
        return sum(1 for t in self.task_lines() if t["what"] == "succeeded")

    def check_jobs_resume(self, record: dict) -> None:
        """Beat sends a job every minute: some must succeed after the piece came back."""
        deadline = time.monotonic() + 90
        while self.jobs_succeeded() <= record["jobs_at_back"] and time.monotonic() < deadline:
            time.sleep(5)
        record["jobs_succeeded_after"] = self.jobs_succeeded() - record["jobs_at_back"]
        if not record["jobs_succeeded_after"]:
            self.violation(f"jobs run after {record['fault']}")

    def celery_kill(self) -> None:
        """kill -9 of the Celery worker (its whole process group) running an import, half
        way through it; a supervisor starts it again. The import must then run again and its
        rows be stored once."""
        self._import_and_kill(whole=True)

    def celery_child_kill(self) -> None:
        """kill -9 of the pool process running an import (as the kernel's OOM killer would);
        the worker itself lives on. The import must run again and its rows be stored once."""
        self._import_and_kill(whole=False)

    def _busiest_child(self, worker) -> int:
        def cpu(pid):
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                return int(fields[11]) + int(fields[12])
            except OSError:
                return 0

        children = worker.children()
        before = {pid: cpu(pid) for pid in children}
        time.sleep(0.5)
        return max(children, key=lambda pid: cpu(pid) - before[pid])

    def _import_and_kill(self, *, whole: bool) -> None:
        client = self.operator_client()
        parks = client.get("/api/parks").json()
        parks = parks.get("items", parks) if isinstance(parks, dict) else parks
        park = next(p for p in parks if p.get("code") == "pujiang")
        seed = int(time.time()) % 100_000
        path = self.stack.directory / f"enterprises-{seed}.csv"
        self.stack.run(
            VENV_BIN / "python",
            HERE / "django_side.py",
            "import-file",
            "--rows",
            self.form["import_rows"],
            "--seed",
            seed,
            "--out",
            path,
        )
        self.imports.append((seed, self.form["import_rows"]))
        seen = {t["id"] for t in self.task_lines() if t["task"] == "core.run_import"}
        response = client.post(
            "/api/enterprises/import",
            data={"park": park["id"]},
            files={"file": ("stack-enterprises.csv", path.read_bytes(), "text/csv")},
        )
        if response.status_code != 202:
            self.violation("import accepted", status=response.status_code, body=response.text[:300])
            return
        job = response.json()["id"]
        self.import_job = job
        state = {}

        def under_way():
            state.update(client.get(f"/api/imports/{job}").json())
            if state.get("status") not in ("queued", "running"):
                raise RuntimeError(f"the import ended before the kill: {state.get('status')}")
            return state.get("status") == "running" and state.get("processed_rows", 0) > 0

        # Killed once it has gone some way through its rows (it reports every 500).
        wait_until(under_way, timeout=300, what="the import to be under way", every=0.1)
        owner, task = wait_until(
            lambda: next(
                (
                    (t["worker"], t["id"])
                    for t in self.task_lines()
                    if t["task"] == "core.run_import"
                    and t["what"] == "received"
                    and t["id"] not in seen
                ),
                None,
            ),
            timeout=60,
            what="the worker holding the import",
        )
        worker = self.stack.processes[f"worker{owner}"]

        victim = None if whole else self._busiest_child(worker)

        def inject():
            if whole:
                worker.kill()
                time.sleep(2)
                worker.start()
            else:
                os.kill(victim, 9)
            return {
                "worker": f"w{owner}",
                "killed": "worker" if whole else "pool process",
                "killed_at_rows": state.get("processed_rows"),
            }

        def check(record):
            deadline = time.monotonic() + self.visibility_wait
            while time.monotonic() < deadline:
                state.update(client.get(f"/api/imports/{job}").json())
                if state.get("status") not in ("queued", "running"):
                    break
                time.sleep(3)
            runs = sum(
                1
                for t in self.task_lines()
                if t["task"] == "core.run_import" and t["what"] == "received" and t["id"] == task
            )
            record["import_status"] = state.get("status")
            record["import_runs"] = runs
            record["import_created"] = state.get("created_count")
            if state.get("status") != "done":
                self.violation(
                    "the killed task runs again",
                    status=state.get("status"),
                    waited_seconds=self.visibility_wait,
                )

        self.fault(f"celery_{'worker' if whole else 'pool_process'}_kill_9", inject, check=check)
        client.close()

    def day_jobs(self) -> None:
        """The day's schedule at once, each job twice; every job must then have run without
        an error (checked at the end) and left the effect of one run (the job checks)."""
        sent = json.loads(
            self.stack.run(
                VENV_BIN / "python",
                HERE / "django_side.py",
                "send-jobs",
                "--times",
                2,
                "--skip",
                ",".join(self.form["jobs_skipped"]),
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        self.jobs_sent = sent
        say(f"the day's jobs sent twice each: {sent['sent']} messages")

    def redis(self) -> None:
        self.fault(
            "redis_restart",
            lambda: self.stack.redis_restart(down_for=3),
            check=self.check_jobs_resume,
        )

    def postgres(self) -> None:
        self.fault(
            "postgres_restart",
            lambda: self.stack.postgres_restart(down_for=5),
            check=self.check_jobs_resume,
        )

    def mosquitto(self) -> None:
        self.fault("mosquitto_restart", lambda: self.stack.mosquitto_restart(down_for=3))

    def web_kill(self) -> None:
        before = self.stack.web_worker_pids()
        victim = before[0]

        def inject():
            os.kill(victim, 9)
            return {"killed_pid": victim, "workers_before": len(before)}

        def back():
            wait_until(
                lambda: (
                    len(self.stack.web_worker_pids()) == len(before)
                    and victim not in self.stack.web_worker_pids()
                ),
                timeout=60,
                what="uvicorn to start a new worker",
            )

        def check(record):
            record["workers_after"] = len(self.stack.web_worker_pids())
            if record["during"]["requests"] and record["during"]["no_answer"] > 2:
                self.violation("the other web worker serves", n=record["during"]["no_answer"])

        try:
            self.fault("web_worker_kill_9", inject, back=back, check=check)
        except TimeoutError as error:
            self.violation("the supervisor restarts a killed web worker", detail=str(error))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="the CI form: fewer devices, faults")
    parser.add_argument("--devices", type=int)
    parser.add_argument(
        "--steps", help="comma-separated steps of the day (faults, day_jobs) instead of the form's"
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--attach", type=Path)
    parser.add_argument(
        "--source",
        default="worktree",
        help="the code to run: this checkout as it is (worktree) or a commit, e.g. HEAD",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for every piece of the stack (to try a setting)",
    )
    parser.add_argument(
        "--visibility-wait",
        type=float,
        default=150,
        help="seconds to wait for a killed task to run again",
    )
    options = parser.parse_args()
    form = dict(FORMS["short" if options.short else "full"])
    if options.devices:
        form["devices"] = options.devices
    if options.steps:
        form["steps"] = options.steps.split(",")
    began = time.monotonic()
    stack = (
        Stack.attach(options.attach, source=options.source)
        if options.attach
        else Stack(keep=options.keep, source=options.source)
    )
    for assignment in options.env:
        name, _, value = assignment.partition("=")
        stack.env[name] = value
    day = Day(stack, form, visibility_wait=options.visibility_wait)
    result = {"form": "short" if options.short else "full", "ok": False}
    fleet = None
    try:
        if not options.attach:
            stack.prepare(report=say)
            stack.save_state()
        else:
            # A kept stack: the readings of an earlier day would count as sent by nobody.
            stack.psql(
                "DELETE FROM iot_telemetry WHERE device_id IN (SELECT d.id FROM iot_device d "
                "JOIN parks_park p ON p.id = d.park_id WHERE p.code = 'stack')"
            )
        result["prepare_seconds"] = round(time.monotonic() - began)
        devices_file = stack.directory / f"devices-{form['devices']}.json"
        if not devices_file.exists():
            t = time.monotonic()
            stack.run(
                VENV_BIN / "python",
                HERE / "django_side.py",
                "provision",
                "--devices",
                form["devices"],
                "--out",
                devices_file,
            )
            say(f"{form['devices']} devices provisioned in {time.monotonic() - t:.0f}s")
        devices = json.loads(devices_file.read_text())
        stack.start_services()
        stack.simulator_start()
        wait_until(lambda: port_open(stack.web_port), timeout=120, what="the web server")
        day_began = time.monotonic()
        context = multiprocessing.get_context("fork")
        stop, drain = context.Event(), context.Event()
        fleet_out = stack.directory / "fleet.json"
        fleet = context.Process(
            target=fleet_run,
            args=(stack.mqtt_port, devices, form["period"], stop, drain, str(fleet_out)),
            daemon=True,
        )
        fleet.start()
        day.start_people()
        say(f"the day begins: {len(devices)} devices, {len(ROLES)} people")
        time.sleep(form["steady"])
        steady = day.timeline.between(day_began, time.monotonic())
        result["steady"] = figures(steady)
        if result["steady"]["errors_5xx"]:
            day.violation("no 500 in a steady day", n=result["steady"]["errors_5xx"])
        for name in form["steps"]:
            getattr(day, name)()
        say("the day ends: devices deliver what is left")
        stack.processes["simulator"].stop()
        stop.set()
        fleet.join(240)
        if fleet.is_alive():
            drain.set()
            fleet.join(30)
        day.people_stop.set()
        for person in day.people:
            person.join(30)
            if person.error:
                day.violation("a person's day", role=person.role, error=person.error)
        # Until the ingest has stored all it was handed (no progress for 15 s).
        last, still = -2, 0
        while still < 3:
            time.sleep(5)
            now = day.stored_points()
            still = still + 1 if now == last else 0
            last = now
        check = json.loads(
            stack.run(
                VENV_BIN / "python",
                HERE / "django_side.py",
                "check",
                "--accepted",
                fleet_out,
                "--imports",
                ",".join(f"{seed}:{rows}" for seed, rows in day.imports),
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        day.violations.extend(check.pop("violations"))
        tasks = day.task_lines()
        result["jobs_sent"] = day.jobs_sent.get("sent", 0)
        result["jobs"] = {
            "succeeded": dict(Counter(t["task"] for t in tasks if t["what"] == "succeeded")),
            "failed": dict(Counter(t["task"] for t in tasks if t["what"] == "raised")),
        }
        for task, n in result["jobs"]["failed"].items():
            day.violation("scheduled jobs run without error", task=task, failures=n)
        all_requests = day.timeline.between(day_began, time.monotonic())
        result["requests"] = figures(all_requests)
        result["requests"]["by_kind"] = dict(Counter(r.kind for r in all_requests))
        result.update(check)
        result["faults"] = day.faults
        result["violations"] = day.violations
        result["ok"] = not day.violations
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {error}"
        say(f"stack test stopped: {result['error']}")
        result["violations"] = day.violations
    finally:
        day.people_stop.set()
        if fleet is not None and fleet.is_alive():
            fleet.terminate()
        result["seconds"] = round(time.monotonic() - began)
        result["directory"] = str(stack.directory) if (options.keep or options.attach) else None
        stack.stop()
    print(json.dumps(result, default=str, ensure_ascii=False), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
