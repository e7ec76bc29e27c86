"""What the permission matrix calls: every operation of the OpenAPI schema and every HTML page
of the URL resolver, with their path parameters filled from the world and, for writes, the
smallest body the schema accepts (so that a refusal is the view's, not the schema's)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

WRITES = {"post", "put", "patch", "delete"}


@dataclass(frozen=True)
class Operation:
    key: str  # operationId
    method: str
    path: str  # /api/parks/{park_id}
    params: tuple[str, ...]
    body_schema: dict | None
    multipart: bool
    lists: bool  # a GET without path parameters answering an array or a page

    @property
    def app(self) -> str:
        parts = self.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else ""

    @property
    def writes(self) -> bool:
        return self.method in WRITES


@dataclass(frozen=True)
class Page:
    key: str  # the URL name, namespaced: "parks:enterprise_detail"
    route: str  # enterprises/<uuid:enterprise_id>/
    params: tuple[str, ...]

    @property
    def app(self) -> str:
        return self.key.split(":")[0] if ":" in self.key else ""


@cache
def schema() -> dict:
    from parkos.config.api import api

    return api.get_openapi_schema()


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema()["components"]["schemas"][name]
    return node


def _answers_a_list(operation: dict) -> bool:
    for code, answer in operation.get("responses", {}).items():
        if not str(code).startswith("2"):
            continue
        body = answer.get("content", {}).get("application/json", {}).get("schema")
        if not body:
            continue
        body = _resolve(body)
        if body.get("type") == "array":
            return True
        if {"items", "count"} <= set(body.get("properties", {})):
            return True
    return False


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for path, methods in schema()["paths"].items():
        for method, operation in methods.items():
            params = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
            content = operation.get("requestBody", {}).get("content", {})
            multipart = "multipart/form-data" in content
            body = (
                content.get("application/json") or content.get("multipart/form-data") or {}
            ).get("schema")
            found.append(
                Operation(
                    key=operation["operationId"],
                    method=method,
                    path=path,
                    params=params,
                    body_schema=body,
                    multipart=multipart,
                    lists=method == "get" and not params and _answers_a_list(operation),
                )
            )
    return tuple(found)


# URL prefixes that are not HTML pages of a signed-in person:
SKIPPED_ROUTES = (
    "admin/",  # Django's admin: its own staff login; its write rules are kept by the admin test
    "api/",  # the JSON API (every operation is covered through the schema), and /api/v1/<token>/,
    # the ThingsBoard-compatible device API authenticated by the device's token in the URL
    "static/",  # files
    "media/",
    "favicon.ico",  # a redirect to a static file
)


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield prefix + str(pattern.pattern), name


@cache
def pages() -> tuple[Page, ...]:
    found = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_ROUTES) or route.startswith("^"):
            continue
        key = name or route
        found[key] = Page(
            key=key, route=route, params=tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        )
    return tuple(found.values())


def param_value(name: str, app: str, ids: dict, actions: dict | None = None):
    """The tenant's object for a path parameter: `round_id` of filings or of property."""
    if f"{name}:{app}" in ids:
        return ids[f"{name}:{app}"]
    if name in ids:
        return ids[name]
    raise LookupError(name)


def api_url(operation: Operation, ids: dict) -> str:
    url = operation.path
    for name in operation.params:
        url = url.replace("{" + name + "}", str(param_value(name, operation.app, ids)))
    return url


def page_url(page: Page, ids: dict, fill: dict) -> str:
    url = "/" + page.route
    for match in re.finditer(r"<(?:\w+:)?(\w+)>", page.route):
        name = match.group(1)
        value = fill.get(name) if name in fill else param_value(name, page.app, ids)
        url = url.replace(match.group(0), str(value))
    return url


def minimal_body(node: dict | None, ids: dict):
    """The smallest value the schema accepts: required properties only, each a plain value of
    its type; a uuid field named after an object of the world gets the tenant's object, so
    that the view reaches its permission check on a real object."""
    if node is None:
        return {}
    node = _resolve(node)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            options = [option for option in node[combinator] if option.get("type") != "null"]
            return minimal_body(options[0], ids) if options else None
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        body = {}
        for name in node.get("required", []):
            prop = node["properties"].get(name, {})
            body[name] = _field_value(name, prop, ids)
        return body
    return _field_value("", node, ids)


def _field_value(name: str, prop: dict, ids: dict):
    prop = _resolve(prop)
    if "default" in prop:
        return prop["default"]
    if "enum" in prop:
        return prop["enum"][0]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in prop:
            options = [option for option in prop[combinator] if option.get("type") != "null"]
            return _field_value(name, options[0], ids) if options else None
    kind, fmt = prop.get("type"), prop.get("format")
    if fmt == "uuid":
        return str(ids.get(f"{name}_id") or ids.get(name) or uuid.uuid4())
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return (timezone.now() + timedelta(days=1)).isoformat()
    if kind == "string":
        return "1" if fmt in {"decimal"} else "x"
    if kind in {"integer", "number"}:
        return max(1, prop.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object" or "properties" in prop:
        return minimal_body(prop, ids)
    return "x"
