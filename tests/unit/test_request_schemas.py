"""Every request schema follows the rules of ``api/fields.py``: unknown fields refused,
numbers bounded in the OpenAPI document, and explicit nulls refused where a PATCH field
cannot be emptied. New operations are covered as soon as they are routed."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from switchyard.api.app import create_app
from switchyard.api.fields import PatchModel, RequestModel
from switchyard.config import Settings


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("schemas") / "unused.db"
    return create_app(Settings(database_url=f"sqlite:///{path}"))


def api_routes(app: Any) -> Iterator[APIRoute]:
    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):  # FastAPI's included routers
                yield from walk(route.original_router.routes)

    yield from walk(app.router.routes)


def _models(annotation: Any, seen: dict[type[BaseModel], None]) -> None:
    if typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            _models(arg, seen)
    elif (
        inspect.isclass(annotation) and issubclass(annotation, BaseModel) and annotation not in seen
    ):
        seen[annotation] = None
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)


def request_models(app: Any) -> dict[type[BaseModel], None]:
    seen: dict[type[BaseModel], None] = {}
    for route in api_routes(app):
        for param in route.dependant.body_params:
            _models(param.field_info.annotation, seen)
    return seen


def test_every_request_model_refuses_unknown_fields(app):
    models = request_models(app)
    assert len(models) > 80
    loose = [m.__name__ for m in models if not issubclass(m, RequestModel)]
    assert loose == [], f"derive these from api.fields.RequestModel: {loose}"
    assert all(m.model_config.get("extra") == "forbid" for m in models)


def test_every_patch_body_is_a_patch_model(app):
    patches = [
        (route.path, param.field_info.annotation)
        for route in api_routes(app)
        if "PATCH" in route.methods
        for param in route.dependant.body_params
    ]
    assert len(patches) >= 15
    for path, model in patches:
        assert issubclass(model, PatchModel), path
        for name in model.model_fields:
            if name in model.clearable or name == "version":
                continue
            with pytest.raises(ValidationError) as caught:
                model.model_validate({name: None})
            codes = {(e["loc"], e["type"]) for e in caught.value.errors()}
            assert ((name,), "null_not_allowed") in codes, (path, name)


def _unbounded(node: Any, at: str) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number"):
            has_min = "minimum" in node or "exclusiveMinimum" in node
            has_max = "maximum" in node or "exclusiveMaximum" in node
            if not (has_min and has_max):
                yield at
        for key, value in node.items():
            if key == "properties":
                for name, prop in value.items():
                    yield from _unbounded(prop, f"{at}.{name}")
            elif key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf"):
                yield from _unbounded(value, at)
    elif isinstance(node, list):
        for item in node:
            yield from _unbounded(item, at)


def test_every_number_a_client_sends_has_bounds(app):
    doc = app.openapi()
    schemas = doc["components"]["schemas"]
    found: list[str] = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                if "$ref" in param:
                    param = doc["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
                found += _unbounded(param["schema"], f"{method} {path} {param['name']}")
    for model in request_models(app):
        name = next((n for n in schemas if n.endswith(model.__name__)), None)
        if name:
            found += _unbounded(schemas[name], name)
    assert found == []


def test_the_bound_check_can_fail():
    assert list(_unbounded({"type": "object", "properties": {"n": {"type": "integer"}}}, "M")) == [
        "M.n"
    ]
