"""The permission matrix of the whole platform: every operation of the OpenAPI schema and every
HTML page of the URL resolver, each called by four callers against a world of two tenants:

- anonymous: 401/403 from the API, the login redirect or 403 from a page (unless public);
- another tenant (the right role, in tenant "b") on tenant "a"'s object: 403 or 404;
- a wrong role of tenant "a": 403 or 404;
- the right role: an answer (neither 401/403/404 nor 5xx); called for reads only, so that no
  test depends on another's writes.

No caller may get a 5xx. Writes are sent, by the refusing callers only, with the smallest body
the schema accepts, so the refusal must come from the permission check. Who is right for what
is declared once, in tests/matrix/declarations.py; an undeclared operation or page fails the
coverage test. A last set of tests counts the queries of every list endpoint and every page
without parameters, against a budget."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from matrix import engine
from matrix.declarations import API, PAGES, QUERY_BUDGET, QUERY_EXCEPTIONS, Rule
from matrix.world import world_build

REFUSED = {403, 404}
# Apps whose endpoints are not declared yet, each with the reason; the coverage test prints them
# and holds every other app to 100%. Empty this as soon as an app's declarations exist.
PENDING = {
    "talent": "written this session; its 48 operations and pages need a world builder "
    "(candidates, fairs, booths, consents, subsidies) in tests/matrix/apps/talent.py",
}
NETWORK_ROLES = {"netop", "netreviewer"}
OPEN = {"ANY", "PUBLIC"}
# Action slugs of the POST-only pages that name their action in the URL.
PAGE_FILL = {
    "marketplace:order_action": {"action": "cancel"},
    "property:ticket_action": {"action": "cancel"},
    "iot:alarm_action": {"action": "acknowledge"},
}


def _cases():
    cases = []
    for operation in engine.operations():
        rule = API.get(operation.key)
        if rule is not None:
            cases.extend(
                _callers("api", operation.key, rule, bool(operation.params), operation.writes)
            )
    for page in engine.pages():
        rule = PAGES.get(page.key)
        if rule is not None:
            writes = rule.method != "get"
            cases.extend(_callers("page", page.key, rule, bool(page.params), writes))
    return cases


def _callers(kind: str, key: str, rule: Rule, addressed: bool, writes: bool):
    callers = ["anonymous"]
    if rule.right not in OPEN:
        if addressed and rule.right not in NETWORK_ROLES:
            callers.append("other")
        if rule.wrong:
            callers.append("wrong")
    if not writes and rule.right != "PUBLIC" and not rule.skip_right:
        callers.append("right")
    if rule.right == "PUBLIC" and writes:
        callers = []
    return [pytest.param(kind, key, caller, id=f"{key}-{caller}") for caller in callers]


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return str(tmp_path_factory.mktemp("matrix-media"))


@pytest.fixture(autouse=True)
def _world_media(settings, world_media):
    """The world's uploads (evidence, photos) stay readable in every test of the module."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Built once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint of it, so nothing a call writes reaches the next test."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = time.perf_counter()
            with override_settings(MEDIA_ROOT=world_media):
                built = world_build()
            built.clients = {}
            for tenant in built.tenants.values():
                for role, user in tenant.users.items():
                    client = Client(raise_request_exception=False)
                    client.force_login(user)
                    built.clients[(tenant.key, role)] = client
            built.clients["anonymous"] = Client(raise_request_exception=False)
            print(f"\nworld built in {time.perf_counter() - started:.1f}s")
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(world, rule: Rule, caller: str) -> Client:
    if caller == "anonymous":
        return world.clients["anonymous"]
    role = {"right": rule.right, "other": rule.right, "wrong": rule.wrong}[caller]
    if role == "ANY":
        role = "tenant"
    tenant = "b" if caller == "other" else "a"
    return world.clients[(tenant, role)]


def _missing(world, exc: LookupError) -> str:
    broken = "\n".join(
        f"{name}: {error.strip().splitlines()[-1]}" for name, error in world.broken.items()
    )
    return f"the world has no {exc.args[0]} (builders that failed:\n{broken or 'none'})"


def _call_api(world, client: Client, operation: engine.Operation, rule: Rule):
    ids = world.a.ids
    url = engine.api_url(operation, ids)
    if operation.method == "get":
        return url, None, client.get(url)
    if operation.multipart:
        return url, {}, client.post(url, data={})
    if rule.body is not None:
        body = rule.body(ids)
    else:
        body = engine.minimal_body(operation.body_schema, ids) if operation.body_schema else None
    data = json.dumps(body) if body is not None else ""
    return (
        url,
        body,
        client.generic(operation.method.upper(), url, data, content_type="application/json"),
    )


def _call_page(world, client: Client, page: engine.Page, rule: Rule):
    url = engine.page_url(page, world.a.ids, PAGE_FILL.get(page.key, {}))
    if rule.method == "post":
        return url, {}, client.post(url, data={})
    return url, None, client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "key", "caller"), _cases())
def test_permission_matrix(world, kind, key, caller):
    if kind == "api":
        target = next(o for o in engine.operations() if o.key == key)
        rule = API[key]
    else:
        target = next(p for p in engine.pages() if p.key == key)
        rule = PAGES[key]
    client = _client(world, rule, caller)
    try:
        if kind == "api":
            url, body, response = _call_api(world, client, target, rule)
        else:
            url, body, response = _call_page(world, client, target, rule)
    except LookupError as exc:
        pytest.fail(_missing(world, exc), pytrace=False)
    status = response.status_code
    where = f"{kind} {key} ({url}) as {caller} [{rule}]" + (f" body={body}" if body else "")
    answer = getattr(response, "content", b"")[:300]
    assert status < 500, f"{where}: {status} {answer!r}"
    if caller == "anonymous":
        if rule.right == "PUBLIC":
            return
        if kind == "api":
            assert status in {401, 403}, f"{where}: {status}, expected 401/403 {answer!r}"
        else:
            login = status == 302 and response["Location"].startswith(
                resolve_url(settings.LOGIN_URL)
            )
            # 401: an event stream cannot redirect a browser's EventSource to a form.
            assert login or status in {401, 403}, (
                f"{where}: {status}, expected the login page or 403"
            )
    elif caller in {"other", "wrong"}:
        refused = REFUSED | ({422} if rule.validates_first else set())
        assert status in refused, f"{where}: {status}, expected 403/404 {answer!r}"
    else:
        assert status not in {401, 403, 404}, f"{where}: {status}, expected an answer {answer!r}"


def test_every_operation_and_page_is_declared():
    operations = engine.operations()
    pages = engine.pages()
    api_declared = [o.key for o in operations if o.key in API]
    pages_declared = [p.key for p in pages if p.key in PAGES]
    print(f"\nAPI operations: {len(api_declared)}/{len(operations)}")
    print(f"HTML pages: {len(pages_declared)}/{len(pages)}")
    stale = sorted(set(API) - {o.key for o in operations}) + sorted(
        set(PAGES) - {p.key for p in pages}
    )
    if stale:
        print("declared but gone (remove from tests/matrix/declarations.py):", ", ".join(stale))
    pending = [o.key for o in operations if o.app in PENDING and o.key not in API]
    pending += [p.key for p in pages if p.app in PENDING and p.key not in PAGES]
    if pending:
        print(f"not yet declared ({len(pending)}), by app:", PENDING)
    undeclared = [
        f"api {o.key} {o.method.upper()} {o.path}"
        for o in operations
        if o.key not in API and o.app not in PENDING
    ]
    undeclared += [
        f"page {p.key} /{p.route}" for p in pages if p.key not in PAGES and p.app not in PENDING
    ]
    assert not undeclared, "declare in tests/matrix/declarations.py:\n" + "\n".join(undeclared)


def _budget_cases():
    cases = []
    for operation in engine.operations():
        if operation.lists and operation.key in API:
            cases.append(pytest.param("api", operation.key, id=f"budget-{operation.key}"))
    for page in engine.pages():
        rule = PAGES.get(page.key)
        listed = rule and not page.params and rule.method == "get" and not rule.skip_right
        if listed and rule.right != "PUBLIC":
            cases.append(pytest.param("page", page.key, id=f"budget-{page.key}"))
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "key"), _budget_cases())
def test_query_budget(world, kind, key):
    rule = API[key] if kind == "api" else PAGES[key]
    role = rule.right if rule.right not in OPEN else "operator"
    client = world.clients[("a", role)]
    # The first call fills per-process caches (the menu, translations), as a warm server has.
    target = (
        next(o for o in engine.operations() if o.key == key)
        if kind == "api"
        else next(p for p in engine.pages() if p.key == key)
    )
    call = (
        (lambda: _call_api(world, client, target, rule))
        if kind == "api"
        else (lambda: _call_page(world, client, target, rule))
    )
    call()
    with CaptureQueriesContext(connection) as queries:
        url, _body, response = call()
    budget, _reason = QUERY_EXCEPTIONS.get(key, (QUERY_BUDGET, ""))
    print(f"\n{key} ({url}) as {role}: {len(queries)} queries (budget {budget})")
    assert response.status_code < 500
    assert len(queries) <= budget, (
        f"{key} ({url}) as {role}: {len(queries)} queries, budget {budget}. "
        "Fix the N+1 or record an exception with its reason in QUERY_EXCEPTIONS."
    )
