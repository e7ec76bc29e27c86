"""The production topology of ParkOS on one machine, each piece on free ports of its own and
in a temporary directory: a PostgreSQL cluster, a Redis, a Mosquitto with the project's
configuration and ingest gate, `parkos serve --workers 2`, two Celery workers and one beat,
two MQTT ingest workers and the device simulator. The machine's own services (PostgreSQL on
5432, Redis on 6379, Mosquitto on 1883) are never touched.

Every piece runs in a session of its own, so that a fault can kill it whole (`kill -9` of a
process group) the way a crashed machine would, and stopping the stack leaves nothing behind.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "postgres"
# The machine's shared services: a stack must never listen on (or stop) these.
SHARED_PORTS = frozenset({5432, 6379, 1883, 8000})


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in SHARED_PORTS:
            return port


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(condition, *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def missing_binaries() -> list[str]:
    """What this machine lacks to run the stack (each named, for a skip's reason)."""
    needed = {
        "initdb (PostgreSQL 15 server)": (PG_BIN / "initdb").exists(),
        "pg_ctl": (PG_BIN / "pg_ctl").exists(),
        "runuser": shutil.which("runuser") is not None,
        "redis-server": shutil.which("redis-server") is not None,
        "mosquitto": shutil.which("mosquitto") is not None,
        "a C compiler (for the ingest gate)": shutil.which(os.environ.get("CC", "cc")) is not None,
        "the Mosquitto plugin headers (mosquitto-dev)": Path(
            "/usr/include/mosquitto_plugin.h"
        ).exists(),
        "celery": (VENV_BIN / "celery").exists(),
    }
    try:
        import pwd

        pwd.getpwnam(PG_USER)
    except KeyError:
        needed["a 'postgres' system user"] = False
    if os.geteuid() != 0:
        needed["root (to run PostgreSQL as its own user)"] = False
    return [name for name, present in needed.items() if not present]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as source:
            return source.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Process:
    """One long-running piece: started in its own session, its output in a log file."""

    name: str
    argv: list[str]
    env: dict
    log: Path
    popen: subprocess.Popen | None = None
    restarts: int = 0

    def start(self) -> "Process":
        handle = open(self.log, "ab")  # noqa: SIM115 (the child writes to it)
        handle.write(f"\n--- start {time.strftime('%H:%M:%S')}: {' '.join(self.argv)}\n".encode())
        handle.flush()
        self.popen = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=ROOT,
        )
        handle.close()
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 30) -> None:
        if not self.alive():
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.popen.wait(10)
        # Children that outlived their leader (a prefork pool) go with it.
        self.signal_group(signal.SIGKILL)

    def kill(self) -> None:
        """kill -9 of the whole piece: no goodbye to the broker, the database or anyone."""
        self.signal_group(signal.SIGKILL)
        self.popen.wait(10)

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def children(self) -> list[int]:
        return _children(self.popen.pid) if self.alive() else []


@dataclass
class Stack:
    workers: int = 2
    web_workers: int = 2
    ingest_workers: int = 2
    keep: bool = False
    # "worktree": the code as it is in this checkout; "HEAD": the last commit, extracted into
    # the stack's directory (a checkout shared with others changes under a long run).
    source: str = "worktree"
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="parkos-stack-")))
    processes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.directory.chmod(0o755)
        self.pg_port, self.redis_port, self.mqtt_port, self.web_port = (
            free_port(),
            free_port(),
            free_port(),
            free_port(),
        )
        while len({self.pg_port, self.redis_port, self.mqtt_port, self.web_port}) < 4:
            self.web_port = free_port()
        self.pg_data = self.directory / "pg"
        self.pg_log = self.pg_data / "server.log"
        self.mqtt_dir = self.directory / "mosquitto"
        self.mqtt_password = secrets.token_hex(16)
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            "DJANGO_SETTINGS_MODULE": "parkos.config.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/parkos",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "MQTT_URL": f"mqtt://parkos-admin:{self.mqtt_password}@127.0.0.1:{self.mqtt_port}",
            # Production starts refuse a missing or published key.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            # Plain HTTP on the loopback, as `make demo` serves it.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": self.base_url,
            "MEDIA_ROOT": str(self.directory / "media"),
            "LOG_LEVEL": "warning",
            "JOBS_INLINE": "false",
            # Seconds after which Redis hands a task whose worker died to another worker, for
            # settings that read it (kombu's default is an hour: longer than a test).
            "CELERY_VISIBILITY_TIMEOUT": "60",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("CELERY_BROKER_URL", "DATABASE_TEST_NAME", "PARKOS_DEMO", "CI"):
            self.env.pop(name, None)
        if self.source != "worktree":
            self.env["PYTHONPATH"] = str(self.code_snapshot(self.source) / "src")

    def code_snapshot(self, commit: str) -> Path:
        """The project's files at `commit`, in the stack's directory; every piece imports
        parkos from there (PYTHONPATH comes before the checkout's editable install)."""
        target = self.directory / "code"
        target.mkdir()
        archive = subprocess.run(
            ["git", "archive", commit, "src", "deploy", "static"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", target], input=archive.stdout, check=True)
        return target

    # -- helpers ------------------------------------------------------------------------
    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def run(self, *argv, timeout: float = 900, check: bool = True, **kwargs):
        """A one-off command with the stack's environment."""
        result = subprocess.run(
            [str(a) for a in argv],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(map(str, argv))} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def parkos(self, *argv, **kwargs):
        return self.run(VENV_BIN / "parkos", *argv, **kwargs)

    def add(self, name: str, argv: list, env: dict | None = None) -> Process:
        process = Process(name, [str(a) for a in argv], env or self.env, self.log(name))
        self.processes[name] = process
        return process

    # -- PostgreSQL ---------------------------------------------------------------------
    def _pg(self, *argv, check=True):
        result = subprocess.run(
            ["runuser", "-u", PG_USER, "--", *map(str, argv)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {result.stdout[-2000:]} {result.stderr[-2000:]}")
        return result

    def postgres_init(self) -> None:
        self.pg_data.mkdir()
        shutil.chown(self.pg_data, PG_USER, PG_USER)
        self._pg(
            PG_BIN / "initdb",
            "-D",
            self.pg_data,
            "-U",
            PG_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # A scratch cluster: nothing here has to survive the machine losing power, only a
        # clean restart (which writes everything); fsync off spares the shared disk.
        with open(self.pg_data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.pg_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.pg_data}'\nmax_connections = 200\n"
                "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
                "shared_buffers = 128MB\n"
            )
        self.postgres_start()
        self._pg(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.pg_port, "parkos")

    def postgres_start(self) -> None:
        # The server writes its log as its own user, inside its own directory.
        self._pg(PG_BIN / "pg_ctl", "-D", self.pg_data, "-l", self.pg_log, "-w", "start")
        wait_until(lambda: port_open(self.pg_port), timeout=60, what="PostgreSQL")

    def postgres_stop(self, mode: str = "fast") -> None:
        self._pg(PG_BIN / "pg_ctl", "-D", self.pg_data, "-m", mode, "-w", "stop", check=False)

    def postgres_restart(self, down_for: float = 0) -> None:
        self.postgres_stop()
        time.sleep(down_for)
        self.postgres_start()

    def psql(self, sql: str) -> str:
        result = self._pg(
            PG_BIN.parent / "bin" / "psql",
            "-h",
            "127.0.0.1",
            "-p",
            self.pg_port,
            "-d",
            "parkos",
            "-At",
            "-c",
            sql,
        )
        return result.stdout.strip()

    # -- Redis --------------------------------------------------------------------------
    def redis_start(self) -> None:
        if "redis" not in self.processes:
            self.add(
                "redis",
                [
                    "redis-server",
                    "--port",
                    self.redis_port,
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    self.directory,
                ],
            )
        self.processes["redis"].start()
        wait_until(lambda: port_open(self.redis_port), timeout=30, what="Redis")

    def redis_restart(self, down_for: float = 0) -> None:
        self.processes["redis"].stop()
        time.sleep(down_for)
        self.redis_start()

    # -- Mosquitto ----------------------------------------------------------------------
    def mosquitto_configure(self) -> None:
        self.mqtt_dir.mkdir()
        config = self.parkos(
            "iot-broker-config",
            "--port",
            self.mqtt_port,
            "--data-dir",
            self.mqtt_dir,
            "--admin-password",
            self.mqtt_password,
        ).stdout
        (self.mqtt_dir / "mosquitto.conf").write_text(config)

    def mosquitto_start(self) -> None:
        if "mosquitto" not in self.processes:
            self.add("mosquitto", ["mosquitto", "-c", self.mqtt_dir / "mosquitto.conf"])
        self.processes["mosquitto"].start()
        wait_until(lambda: port_open(self.mqtt_port), timeout=30, what="Mosquitto")

    def mosquitto_restart(self, down_for: float = 0) -> None:
        # SIGTERM: Mosquitto writes every session and queued message to disk first.
        self.processes["mosquitto"].stop(timeout=60)
        time.sleep(down_for)
        self.mosquitto_start()

    # -- the application ----------------------------------------------------------------
    def prepare(self, *, report=print) -> None:
        """Infrastructure up, the database migrated and the demo loaded, the broker's roles."""
        began = time.monotonic()
        self.postgres_init()
        self.redis_start()
        self.mosquitto_configure()
        self.mosquitto_start()
        report(f"infrastructure up in {time.monotonic() - began:.0f}s ({self.directory})")
        began = time.monotonic()
        self.parkos("demo", "--no-serve", timeout=1800)
        report(f"migrated and demo loaded in {time.monotonic() - began:.0f}s")
        self.parkos("iot-broker-sync", timeout=600)

    def web_start(self) -> None:
        process = self.processes.get("web") or self.add(
            "web",
            [
                VENV_BIN / "parkos",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                self.web_port,
                "--workers",
                self.web_workers,
            ],
        )
        process.start()
        wait_until(lambda: port_open(self.web_port), timeout=120, what="the web server")

    def web_worker_pids(self) -> list[int]:
        """The uvicorn worker processes (not the supervisor, not multiprocessing's helpers)."""
        web = self.processes["web"]
        return sorted(pid for pid in web.children() if "spawn_main" in cmdline(pid))

    def celery_start(self) -> None:
        for n in range(1, self.workers + 1):
            name = f"worker{n}"
            process = self.processes.get(name) or self.add(
                name,
                [
                    VENV_BIN / "celery",
                    "-A",
                    "parkos.config",
                    "worker",
                    "-n",
                    f"w{n}@%h",
                    "-l",
                    "info",
                    "--concurrency",
                    "2",
                    "--without-gossip",
                    "--without-mingle",
                ],
            )
            process.start()
        beat = self.processes.get("beat") or self.add(
            "beat",
            [
                VENV_BIN / "celery",
                "-A",
                "parkos.config",
                "beat",
                "-l",
                "info",
                "-s",
                self.directory / "celerybeat-schedule",
                "--pidfile",
                self.directory / "beat.pid",
            ],
        )
        beat.start()

    def ingest_start(self) -> None:
        for n in range(1, self.ingest_workers + 1):
            name = f"ingest{n}"
            process = self.processes.get(name) or self.add(
                name, [VENV_BIN / "parkos", "iot-ingest", "--name", f"stack-{n}"]
            )
            process.start()

    def simulator_start(self, interval: float = 5) -> None:
        process = self.processes.get("simulator") or self.add(
            "simulator",
            [VENV_BIN / "parkos", "simulate", "--base-url", self.base_url, "--interval", interval],
        )
        process.start()

    def start_services(self) -> None:
        self.ingest_start()
        self.web_start()
        self.celery_start()

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.processes[name].stop(timeout=20)
        if self.pg_data.exists():
            self.postgres_stop("immediate")
        if not self.keep:
            shutil.rmtree(self.directory, ignore_errors=True)

    # -- a stack kept between runs (to work on the scripted day without loading again) ----
    def save_state(self) -> None:
        state = {
            "env": self.env,
            "ports": [self.pg_port, self.redis_port, self.mqtt_port, self.web_port],
            "password": self.mqtt_password,
        }
        (self.directory / "stack.json").write_text(json.dumps(state))

    @classmethod
    def attach(cls, directory: Path, source: str = "worktree", **options) -> "Stack":
        """The stack kept in `directory` by an earlier run (`--keep`), its infrastructure
        started again if it is down."""
        state = json.loads((Path(directory) / "stack.json").read_text())
        stack = cls(directory=Path(directory), keep=True, **options)
        stack.pg_port, stack.redis_port, stack.mqtt_port, stack.web_port = state["ports"]
        stack.mqtt_password = state["password"]
        stack.base_url = f"http://127.0.0.1:{stack.web_port}"
        stack.env = state["env"]
        if source != "worktree" and "PYTHONPATH" not in stack.env:
            shutil.rmtree(stack.directory / "code", ignore_errors=True)
            stack.env["PYTHONPATH"] = str(stack.code_snapshot(source) / "src")
        if not port_open(stack.pg_port):
            stack.postgres_start()
        if not port_open(stack.redis_port):
            stack.redis_start()
        if not port_open(stack.mqtt_port):
            stack.mosquitto_start()
        return stack

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
