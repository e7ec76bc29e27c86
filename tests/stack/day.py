"""The people of the scripted day: each demo role signs in (a session on the web pages and a
token from /api/auth/token) and works through its pages and API lists; the tenant raises
tickets and the property desk carries them through dispatch, arrival and resolution. Every
request is recorded with the moment it started, so the figures of each fault (requests and
errors while a piece was down and after it came back) are read off one timeline."""

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from stack import wait_until

PASSWORD = "parkos-demo"
ROLES = ("operator", "ioc", "dispatcher", "technician", "tenant", "tenant2", "provider", "reviewer")
SKIP_LINK = re.compile(
    r"logout|/admin|/static/|/media/|\.(xlsx|pdf|csv|png|jpg)$|/stream|/events/live|/i18n/|export|download",
)
NO_ANSWER, TIMED_OUT = 0, -1
HREF = re.compile(r'href="(/[^"#?]*)"')


@dataclass
class Request:
    started: float
    ended: float
    role: str
    kind: str  # "page", "api", "write", "login"
    path: str
    status: int  # or NO_ANSWER (connection refused or reset), TIMED_OUT


@dataclass
class Timeline:
    requests: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)

    def between(self, start: float, end: float) -> list:
        with self.lock:
            return [r for r in self.requests if start <= r.started < end]


def _get(client, timeline, role, kind, path, **kwargs):
    started = time.monotonic()
    try:
        response = client.get(path, **kwargs)
        status = response.status_code
    except httpx.TimeoutException:
        response, status = None, TIMED_OUT
    except httpx.HTTPError:
        response, status = None, NO_ANSWER
    timeline.add(Request(started, time.monotonic(), role, kind, path, status))
    return response


def _post(client, timeline, role, kind, path, **kwargs):
    started = time.monotonic()
    try:
        response = client.post(path, **kwargs)
        status = response.status_code
    except httpx.TimeoutException:
        response, status = None, TIMED_OUT
    except httpx.HTTPError:
        response, status = None, NO_ANSWER
    timeline.add(Request(started, time.monotonic(), role, kind, path, status))
    return response


class Person(threading.Thread):
    """One demo login working through its day until told to stop."""

    def __init__(self, base_url, role, timeline, stop, *, pause=1.0, seed=0, api_paths=()):
        super().__init__(name=f"person-{role}", daemon=True)
        self.base_url, self.role, self.timeline, self.stop = base_url, role, timeline, stop
        self.pause = pause
        self.rng = random.Random(seed)
        self.api_paths = list(api_paths)
        self.pages: list[str] = []
        self.web = httpx.Client(base_url=base_url, timeout=20, follow_redirects=True)
        self.api = httpx.Client(base_url=base_url, timeout=20)
        self.tickets: list[str] = []
        self.unit = None
        self.error: str = ""

    # -- signing in ----------------------------------------------------------------------
    def sign_in(self) -> None:
        def token():
            response = _post(
                self.api,
                self.timeline,
                self.role,
                "login",
                "/api/auth/token",
                json={"username": self.role, "password": PASSWORD},
            )
            if response is not None and response.status_code == 200:
                self.api.headers["Authorization"] = f"Bearer {response.json()['token']}"
                return True
            return False

        wait_until(token, timeout=120, what=f"a token for {self.role}", every=2)

        def session():
            form = _get(self.web, self.timeline, self.role, "login", "/accounts/login/")
            if form is None or form.status_code != 200:
                return False
            match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            response = _post(
                self.web,
                self.timeline,
                self.role,
                "login",
                "/accounts/login/",
                data={
                    "username": self.role,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": match.group(1) if match else "",
                },
                headers={"Referer": f"{self.base_url}/accounts/login/"},
            )
            return response is not None and "/accounts/login/" not in str(response.url)

        wait_until(session, timeout=120, what=f"a session for {self.role}", every=2)
        leases = _get(self.api, self.timeline, self.role, "api", "/api/leases")
        if leases is not None and leases.status_code == 200:
            body = leases.json()
            rows = body.get("items", []) if isinstance(body, dict) else body
            self.unit = rows[0]["unit"] if rows else None
        home = _get(self.web, self.timeline, self.role, "page", "/")
        links = sorted(set(HREF.findall(home.text if home is not None else "")))
        self.pages = ["/", *[p for p in links if not SKIP_LINK.search(p)][:14]]

    # -- the day -------------------------------------------------------------------------
    def step(self) -> None:
        choice = self.rng.random()
        if self.role == "tenant" and choice < 0.15:
            self.ticket_raise()
        elif self.role in ("dispatcher", "technician") and choice < 0.3:
            self.ticket_advance()
        elif self.api_paths and choice < 0.55:
            _get(self.api, self.timeline, self.role, "api", self.rng.choice(self.api_paths))
        elif self.pages:
            _get(self.web, self.timeline, self.role, "page", self.rng.choice(self.pages))

    def ticket_raise(self) -> None:
        _post(
            self.api,
            self.timeline,
            self.role,
            "write",
            "/api/property/tickets",
            json={
                "title": f"空调不制冷 {self.rng.randint(1, 999)}",
                "description": "会议室空调出风不冷, 请派人检查。",
                "kind": "repair",
                "unit": self.unit,
            },
        )

    def ticket_advance(self) -> None:
        """The desk dispatches a new ticket; the technician takes one assigned to them a step
        further. Refusals (409: someone else moved it first) are part of the day."""
        if self.role == "dispatcher":
            listing = _get(
                self.api, self.timeline, self.role, "api", "/api/property/tickets?status=new"
            )
            if listing is None or listing.status_code != 200:
                return
            items = listing.json()
            items = items.get("items", items) if isinstance(items, dict) else items
            if items:
                ticket = self.rng.choice(items[:20])
                _post(
                    self.api,
                    self.timeline,
                    self.role,
                    "write",
                    f"/api/property/tickets/{ticket['id']}/dispatch",
                    json={},
                )
            return
        listing = _get(self.api, self.timeline, self.role, "api", "/api/property/tickets?mine=true")
        if listing is None or listing.status_code != 200:
            return
        items = listing.json()
        items = items.get("items", items) if isinstance(items, dict) else items
        step = {"dispatched": "accept", "accepted": "arrive", "on_site": "resolve"}
        movable = [t for t in items if t.get("status") in step]
        if movable:
            ticket = self.rng.choice(movable[:20])
            _post(
                self.api,
                self.timeline,
                self.role,
                "write",
                f"/api/property/tickets/{ticket['id']}/{step[ticket['status']]}",
                json={"note": "stack test"} if step[ticket["status"]] == "resolve" else None,
            )

    def run(self) -> None:
        try:
            self.sign_in()
            while not self.stop.is_set():
                self.step()
                self.stop.wait(self.pause * (0.5 + self.rng.random()))
        except Exception as error:  # the figures say which person stopped, and why
            self.error = f"{type(error).__name__}: {error}"
        finally:
            self.web.close()
            self.api.close()


def api_lists(base_url: str, limit: int = 30, seed: int = 3) -> list[str]:
    """GET operations of the OpenAPI schema that take no path parameter (lists, dashboards)."""
    response = httpx.get(f"{base_url}/api/openapi.json", timeout=60)
    response.raise_for_status()
    paths = [
        path
        for path, operations in response.json()["paths"].items()
        if "get" in operations
        and "{" not in path
        and not SKIP_LINK.search(path)
        and "/auth/" not in path
    ]
    random.Random(seed).shuffle(paths)
    return sorted(paths[:limit])


def figures(requests: list) -> dict:
    statuses = Counter(r.status for r in requests)
    return {
        "requests": len(requests),
        "errors_5xx": sum(n for s, n in statuses.items() if s >= 500),
        "no_answer": statuses.get(NO_ANSWER, 0),
        "timed_out": statuses.get(TIMED_OUT, 0),
        "client_4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
    }
