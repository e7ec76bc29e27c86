"""The OpenAPI schema at /api/openapi.json: one component per schema class, errors documented."""

import collections
import typing

import pytest
from pydantic import BaseModel

from parkos.config.api import api


def _models(annotation, found):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found)


def _operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def test_no_two_schema_classes_share_a_component_name():
    # django-ninja names a component by its class name: a second class of the same name
    # silently replaces the first in the schema.
    found = set()
    for operation in _operations():
        for model in operation.models:
            for field in model.model_fields.values():
                _models(field.annotation, found)
        for response in operation.response_models.values():
            _models(response, found)
    by_name = collections.defaultdict(set)
    for model in found:
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: sorted(c) for name, c in by_name.items() if len(c) > 1} == {}


@pytest.mark.django_db
def test_every_operation_documents_its_error_answers(client):
    schema = client.get("/api/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "fields"}
    undocumented = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            expected = {"404", "422"} | ({"401", "403"} if operation.get("security") else set())
            missing = expected - set(operation["responses"])
            if missing:
                undocumented[f"{method.upper()} {path}"] = sorted(missing)
            reference = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert reference == {"$ref": "#/components/schemas/ErrorOut"}
    assert undocumented == {}
