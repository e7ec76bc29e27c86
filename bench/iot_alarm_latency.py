"""Publish -> alarm visible to an SSE client, p95 (target < 1 s). Starts `parkos serve`
(uvicorn, ASGI) on a scratch SQLite database, signs in an IOC operator, opens the live stream
and posts over-temperature readings through the HTTP device API, timing each alarm event.

    .venv/bin/python bench/iot_alarm_latency.py --alarms 30
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=30)
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="parkos-bench-sse-")
    database = os.path.join(directory, "bench.sqlite3")
    # The device API at /api/v1/ whether or not the root URLconf mounts it yet.
    with open(os.path.join(directory, "bench_settings.py"), "w") as module:
        module.write("from parkos.config.settings import *  # noqa\nROOT_URLCONF = 'bench_urls'\n")
    with open(os.path.join(directory, "bench_urls.py"), "w") as module:
        module.write(
            "from django.urls import include, path\n"
            "from parkos.config.urls import urlpatterns as root\n"
            "urlpatterns = [path('api/v1/', include('parkos.iot.device_urls')), *root]\n"
        )
    sys.path.insert(0, directory)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([directory, os.environ.get("PYTHONPATH", "")]),
        "DATABASE_URL": f"sqlite:///{database}",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "LOG_LEVEL": "warning",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from parkos.accounts.models import Role
    from parkos.accounts.services import membership_grant, user_create
    from parkos.iot import services
    from parkos.iot.catalogue import device_types_ensure
    from parkos.parks.models import Park

    call_command("migrate", verbosity=0)
    park = Park.objects.create(code="bench", name="压测园区", city="上海")
    user = user_create(username="bench-ioc", password="bench-password-1")
    membership_grant(user=user, role=Role.IOC_OPERATOR, park=park)
    types = device_types_ensure()
    tokens = []
    for n in range(options.alarms):
        device = services.device_create(
            actor=user, park=park, device_type=types["climate"], serial=f"S{n}", name=f"机房{n}"
        )
        tokens.append(services.credential_issue(actor=user, device=device)[1])
    services.rule_create(
        actor=user,
        park=park,
        kind="threshold",
        device_type=types["climate"],
        name="高温",
        key="temperature",
        comparison="above",
        high=35,
        severity="critical",
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "parkos.cli", "serve", "--port", str(port)], env=env
    )
    import httpx

    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/accounts/login/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=10)
        page = client.get("/accounts/login/")
        csrf = client.cookies.get("csrftoken")
        client.post(
            "/accounts/login/",
            data={
                "username": "bench-ioc",
                "password": "bench-password-1",
                "csrfmiddlewaretoken": csrf,
            },
            headers={"Referer": base + "/accounts/login/"},
        )
        assert page.status_code == 200
        seen: dict[str, float] = {}
        ready = threading.Event()

        def listen():
            with client.stream("GET", "/iot/live/", timeout=None) as stream:
                ready.set()
                for line in stream.iter_lines():
                    if line.startswith("data: "):
                        event = json.loads(line[6:])
                        if event.get("type") == "alarm" and event["change"] == "raised":
                            seen[event["alarm"]["title"]] = time.perf_counter()
                    if len(seen) >= options.alarms:
                        return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        ready.wait(10)
        time.sleep(0.5)
        sent = {}
        poster = httpx.Client(base_url=base, timeout=10)
        for n, token in enumerate(tokens):
            sent[f"机房{n} · 高温"] = time.perf_counter()
            poster.post(f"/api/v1/{token}/telemetry", json={"temperature": 38})
            time.sleep(0.2)
        listener.join(20)
        latencies = sorted((seen[t] - sent[t]) * 1000 for t in sent if t in seen)
        print(f"alarms seen on the live stream: {len(latencies)} of {len(sent)}")
        if latencies:
            p95 = latencies[max(int(len(latencies) * 0.95) - 1, 0)]
            print(
                f"publish -> SSE ms: median {statistics.median(latencies):.0f}, p95 {p95:.0f}, "
                f"max {latencies[-1]:.0f} (target p95 < 1000)"
            )
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
