"""One search request in-process: where its time goes, and how many queries it makes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/marketplace_search_profile.py [--rounds 20] [--profile api] [--keep]

Loads the catalogue of bench/marketplace_search.py (10,000 products, 1,000 providers) into
a database of its own (`bench_market_profile`, kept between runs with --keep), then sends
the benchmark's queries through the Django test client, signed in, as a browser or an API
client would:
- `page`: the catalogue page (`/marketplace/?q=...`), results, count and facets;
- `partial`: the same as the HTMX request the filters send, which renders the results
  and facets only;
- `api`: `/api/marketplace/products` and `/api/marketplace/products/facets`, one request
  each, timed together;
- `selectors`: what the benchmark's clients do, without HTTP.
Prints, per mode, the median wall and CPU time of this process per request and the
queries per request. A machine shared with other work makes wall time noisy; the CPU time
of this process is the steadier figure (the database server's time is not in it).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_TEST_NAME", "bench_market_profile")

from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
)

from marketplace_search import QUERIES, one_request, populate
from parkos.marketplace import search
from parkos.marketplace.models import Product, Provider


def _params(q: str, extra: dict) -> dict:
    params = {"q": q}
    for key, value in extra.items():
        params[key] = "true" if value is True else str(value)
    return params


def make_modes(client: Client, *, cold: bool = False) -> dict:
    """The ways of searching; `cold` makes every request find the catalogue just changed,
    so that nothing computed for an earlier request can be reused."""

    def page(q, extra):
        response = client.get("/marketplace/?" + urlencode(_params(q, extra)), secure=True)
        assert response.status_code == 200, response.status_code

    def partial(q, extra):
        response = client.get(
            "/marketplace/?" + urlencode(_params(q, extra)), secure=True, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200, response.status_code

    def api(q, extra):
        query = urlencode({**_params(q, extra), "limit": 20})
        for path in ("/api/marketplace/products?", "/api/marketplace/products/facets?"):
            response = client.get(path + query, secure=True)
            assert response.status_code == 200, (path, response.status_code, response.content[:300])

    def selectors(q, extra):
        one_request(q, extra)

    modes = {"page": page, "partial": partial, "api": api, "selectors": selectors}
    if not cold:
        return modes

    def chilled(work):
        def run(q, extra):
            changed = getattr(search, "catalogue_changed", None)
            if changed is not None:
                changed()
            work(q, extra)

        return run

    return {name: chilled(work) for name, work in modes.items()}


def server_cpu_ms() -> float | None:
    """CPU time the database server process of this connection has used so far, when it
    runs on this machine and is readable (PostgreSQL, /proc); SQLite runs in-process."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure(work, rounds: int) -> tuple[float, float, float, float | None]:
    """Median wall ms, median CPU ms of this process, queries per request, and the mean
    CPU ms of the database server per request. Under load from other work the wall time
    waits for CPU; the sum of the two CPU figures is what a request costs the machine."""
    for _lang, q, extra in QUERIES:
        work(q, extra)
    walls, cpus = [], []
    server_before = server_cpu_ms()
    for _ in range(rounds):
        for _lang, q, extra in QUERIES:
            wall, cpu = time.perf_counter(), time.process_time()
            work(q, extra)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
    server_after = server_cpu_ms()
    server = None
    if server_before is not None and server_after is not None:
        server = (server_after - server_before) / len(walls)
    counts = []
    for _lang, q, extra in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            work(q, extra)
        counts.append(len(captured.captured_queries))
    return statistics.median(walls), statistics.median(cpus), statistics.mean(counts), server


def profile(work, rounds: int, limit: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        for _lang, q, extra in QUERIES:
            work(q, extra)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--providers", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--modes", default="selectors,api,partial,page")
    parser.add_argument("--profile", default="", help="a mode to run under cProfile")
    parser.add_argument("--limit", type=int, default=35)
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run")
    parser.add_argument(
        "--cold", action="store_true", help="the catalogue changes before every request"
    )
    options = parser.parse_args()
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False, keepdb=True)
    try:
        if Product.objects.count() != options.products:
            Product.objects.all().delete()
            Provider.objects.all().delete()
            started = time.perf_counter()
            populate(options.products, options.providers)
            print(f"loaded the catalogue in {time.perf_counter() - started:.1f} s")
        from parkos.accounts.models import User

        user, _created = User.objects.get_or_create(username="bench-search")
        client = Client()
        client.force_login(user)
        modes = make_modes(client, cold=options.cold)
        print(
            f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}"
            + ("; the catalogue changes before every request" if options.cold else "")
        )
        for name in options.modes.split(","):
            wall, cpu, queries, server = measure(modes[name], options.rounds)
            print(
                f"  {name:9s} median {wall:6.2f} ms wall, {cpu:6.2f} ms CPU per request; "
                f"{queries:.1f} queries"
                + ("" if server is None else f"; database server {server:5.2f} ms CPU (mean)")
            )
        if options.profile:
            print(profile(modes[options.profile], options.rounds, options.limit))
    finally:
        connection.close()
        if not options.keep:
            from django.test.utils import teardown_databases

            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
