"""Benchmark of issue 2: the enterprise API page and the park overview page under load.

Ten times the demo data (2,000 enterprises, 20,000 leases) in a PostgreSQL database of its
own, served by `parkos serve` (uvicorn) in a separate process, loaded by 20 concurrent
clients. The load comes from wrk (Debian's `wrk`, a C load generator that leaves the CPU to
the server) when it is installed, else from asyncio clients in this process. Prints median
and p95 latency per endpoint, for several runs.

    .venv/bin/python bench/foundation_http.py [--clients 20] [--seconds 20] [--runs 3] [--workers 2]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres), where it creates and drops `parkos_bench`,
and Redis (REDIS_URL, default 127.0.0.1:6379/3) as in production.
"""

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PARKOS = [sys.executable, "-m", "parkos.cli"]
DB_NAME = "parkos_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
QUERIES = [
    "科技",
    "软件",
    "智能",
    "云",
    "数据",
    "software",
    "tech",
    "cloud",
    "AI",
    "media",
    "上海",
    "昆山",
]


def environment() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        # The production setup: sessions, token checks and cached figures in a shared Redis.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "warning",
        "SECRET_KEY": "bench-" + "x7Q!" * 16,
    }


def prepare() -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB_NAME}"],
        check=True,
        capture_output=True,
    )
    subprocess.run([*PARKOS, "migrate", "-v", "0"], env=environment(), check=True)
    code = "from bench_data import scale_up; scale_up()"
    subprocess.run(
        [sys.executable, "-c", code],
        env={
            **environment(),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])
            ),
        },
        check=True,
    )


async def sign_in(base: str) -> tuple[str, dict]:
    async with httpx.AsyncClient(base_url=base) as client:
        token = (
            await client.post(
                "/api/auth/token", json={"username": "operator", "password": "parkos-demo"}
            )
        ).json()["token"]
        login = await client.get("/accounts/login/")
        csrf = login.cookies["csrftoken"]
        response = await client.post(
            "/accounts/login/",
            data={"username": "operator", "password": "parkos-demo", "csrfmiddlewaretoken": csrf},
            headers={"Referer": base + "/accounts/login/"},
        )
        assert response.status_code == 302, response.text[:200]
        overview = (await client.get("/parks/", cookies=client.cookies)).headers["location"]
        return token, {"cookies": dict(client.cookies), "overview": overview}


async def hammer(base: str, clients: int, seconds: float, make_request) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker(seed: int):
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await make_request(client, rng)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:200]}")

        await asyncio.gather(*(worker(index) for index in range(clients)))
    return latencies


WRK_SCRIPT = r"""
local queries = {%s}
local headers = {%s}
request = function()
  local path = "%s"
  if path == "api" then
    path = "/api/enterprises?limit=50&q=" .. queries[math.random(#queries)]
  end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  io.write(string.format("PARKOS n=%%d median=%%.1fms p95=%%.1fms p99=%%.1fms errors=%%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
"""


def wrk_run(base: str, path: str, headers: dict, clients: int, seconds: float) -> str:
    import tempfile
    from urllib.parse import quote

    queries = ", ".join(f'"{quote(q)}"' for q in QUERIES)
    header_lua = ", ".join(f'["{name}"] = "{value}"' for name, value in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % (queries, header_lua, path))
        script.flush()
        output = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    for line in output.splitlines():
        if line.strip().startswith("Non-2xx"):
            raise RuntimeError(line)
        if line.startswith("PARKOS "):
            return line.removeprefix("PARKOS ")
    raise RuntimeError(output)


def describe(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"n={len(ordered):5d} median={statistics.median(ordered) * 1000:6.1f} ms  p95={p95 * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument(
        "--python-clients",
        action="store_true",
        help="Use asyncio clients even if wrk is installed.",
    )
    options = parser.parse_args()
    if not options.skip_prepare:
        print("preparing 10x demo data on PostgreSQL …", flush=True)
        prepare()
    server = subprocess.Popen(
        [*PARKOS, "serve", "--port", str(options.port), "--workers", str(options.workers)],
        env=environment(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{options.port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/api/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        token, session = asyncio.run(sign_in(base))
        headers = {"Authorization": f"Bearer {token}"}

        async def api_page(client, rng):
            return await client.get(
                "/api/enterprises", params={"q": rng.choice(QUERIES), "limit": 50}, headers=headers
            )

        async def overview_page(client, rng):
            return await client.get(session["overview"], cookies=session["cookies"])

        print(
            f"{options.clients} clients, {options.seconds:.0f} s per run, {options.workers} uvicorn workers"
        )
        if shutil.which("wrk") and not options.python_clients:
            cookie = "; ".join(f"{key}={value}" for key, value in session["cookies"].items())
            targets = (
                ("GET /api/enterprises?q=…&limit=50", "api", headers),
                ("GET park overview page", session["overview"], {"Cookie": cookie}),
            )
            for name, path, request_headers in targets:
                wrk_run(base, path, request_headers, options.clients, 3)
                for run in range(1, options.runs + 1):
                    figures = wrk_run(base, path, request_headers, options.clients, options.seconds)
                    print(f"{name:36s} run {run} (wrk): {figures}", flush=True)
            return
        for name, request in (
            ("GET /api/enterprises?q=…&limit=50", api_page),
            ("GET park overview page", overview_page),
        ):
            asyncio.run(hammer(base, options.clients, 3, request))  # warm-up
            for run in range(1, options.runs + 1):
                print(
                    f"{name:36s} run {run}: {describe(asyncio.run(hammer(base, options.clients, options.seconds, request)))}",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
