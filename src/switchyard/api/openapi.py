"""The OpenAPI document as the API really behaves, so a generated client handles errors.

FastAPI describes every operation's errors as one ``application/json`` 422
``HTTPValidationError``; Switchyard answers every error as ``application/problem+json``
(``api/problems.py``). This module rewrites the document once, when it is first asked
for:

* a ``Problem`` schema, and per operation the problem answers it can give: 401, 403 and
  404 (every operation under ``/api/v1``: ids and codes in a query or body may not
  exist either; elsewhere, operations with a path parameter),
  409 (writes), 412 and the ``If-Match`` header (operations that take a version), 400 and
  413 (operations with a body), 422 (operations with input), 500 (every operation);
* the ``Idempotency-Key`` header on operations that honour it, the ``ETag`` response
  header where one is sent, and ``Idempotent-Replayed`` on replays;
* ``securitySchemes`` (a bearer key or ``X-API-Key``) and, per operation, the scope it
  needs;
* links from each collection's POST to the operations on what it created.

Which operations take a version, set an ETag or honour an idempotency key is read from
what their endpoint functions call (``expected_version``, ``set_etag``,
``idempotency.create``): the declaration follows the code, with no list to keep.
``tests/e2e/test_openapi_contract.py`` checks the result against the running API.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from switchyard.api.problems import PROBLEM_JSON

API_PREFIX = "/api/v1"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details. `code` is stable: branch on it, not on `title`.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:switchyard:problem:order_not_found"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable machine-readable code"},
        "instance": {"type": "string", "description": "the path of the request"},
        "request_id": {"type": "string", "description": "also in the X-Request-Id header"},
        "errors": {
            "type": "array",
            "description": "each field at fault",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "dotted path: `lines.0.quantity`, `query.limit`, "
                        "`header.if-match`",
                    },
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}

# status -> (description, the codes any operation may answer with at that status)
PROBLEMS: dict[int, tuple[str, list[str]]] = {
    400: ("The body is not valid JSON.", ["malformed_json"]),
    401: ("No API key, or an unknown or revoked one.", ["missing_api_key", "invalid_api_key"]),
    403: (
        "The key lacks the operation's scope or location.",
        ["missing_scope", "location_forbidden", "location_restricted_key"],
    ),
    404: ("A resource the request names does not exist (or is not visible to the key).", []),
    409: (
        "The request clashes with the current state (duplicate, status, stock, an "
        "idempotency key still in progress: see Retry-After).",
        ["idempotency_key_in_progress"],
    ),
    412: (
        "The version sent (If-Match or `version`) is not the current one: reload.",
        ["version_mismatch"],
    ),
    413: ("The body is over the size limit.", ["payload_too_large"]),
    422: (
        "Input is invalid; `errors` names each field. Nothing was written.",
        [
            "invalid_request",
            "invalid_text",
            "unstorable_value",
            "idempotency_key_reused",
            "invalid_if_match",
        ],
    ),
    500: ("An unexpected error; quote `request_id` when reporting it.", ["internal_error"]),
    503: (
        "`commit_outcome_unknown`: the database connection was lost while the change was "
        "being saved: it may or may not have been saved. Read the resource, or repeat the "
        "request with the same `Idempotency-Key`. `contended`: what the request read (such "
        "as the last units of a SKU) was taken by others at every attempt; nothing was "
        "saved, send it again (see Retry-After).",
        ["commit_outcome_unknown", "contended"],
    ),
}

HEADERS: dict[str, dict[str, Any]] = {
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Send the same key to retry safely: the first answer is replayed "
        "(with `Idempotent-Replayed: true`) and nothing happens twice. Keys are scoped to "
        "the API key and kept 24 hours.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    },
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The ETag last read (or send `version` in the body): the change is "
        "refused with 412 if the resource changed meanwhile.",
        "schema": {"type": "string", "maxLength": 100, "examples": ['"3"']},
    },
}

SECURITY_SCHEMES = {
    "bearerKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: `Authorization: Bearer sy_...`",
    },
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


def _routes(routes: list[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path_format, route
        elif hasattr(route, "original_router"):  # a router FastAPI included, with its prefix
            context = getattr(route, "include_context", None)
            inner = prefix + str(getattr(context, "prefix", "") or "")
            yield from _routes(route.original_router.routes, inner)


def api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every operation of the app, with the path it is served at."""
    return list(_routes(app.router.routes, ""))


def _calls(endpoint: Callable[..., Any], *names: str) -> bool:
    try:
        source = inspect.getsource(endpoint)
    except (OSError, TypeError):
        return False
    return any(name in source for name in names)


def required_scope(route: APIRoute) -> str | None:
    """The scope the route's ``require(scope)`` dependency checks, if it has one."""
    for dependency in route.dependant.dependencies:
        scope = getattr(dependency.call, "scope", None)
        if isinstance(scope, str):
            return scope
    return None


def location_access(route: APIRoute) -> str | None:
    """What a location-restricted key may do with the route (``auth.domain.LocationAccess``)."""
    for dependency in route.dependant.dependencies:
        access = getattr(dependency.call, "location_access", None)
        if access is not None:
            return str(access)
    return None


_ACCESS_NOTE = {
    "any": "Location-restricted keys: allowed (no customer data tied to a location).",
    "own": "Location-restricted keys: only their locations' part (others: 404).",
    "unrestricted": "Location-restricted keys: refused (403 `location_restricted_key`).",
}


def _problem(status: int) -> dict[str, Any]:
    description, codes = PROBLEMS[status]
    if codes:
        description += " Codes: " + ", ".join(f"`{c}`" for c in codes) + "."
    return {"$ref": f"#/components/responses/Problem{status}", "description": description}


def _statuses(path: str, route: APIRoute, method: str, takes_version: bool) -> list[int]:
    statuses = [500]
    protected = path.startswith(API_PREFIX)
    if protected:  # 404 also for an id or code named in the query or the body
        statuses += [401, 403, 404]
    elif "{" in path:
        statuses.append(404)
    if method in ("post", "put", "patch", "delete") and protected:
        statuses += [409, 503]
    if takes_version:
        statuses.append(412)
    if route.dependant.body_params:
        statuses += [400, 413]
    if route.dependant.body_params or route.dependant.query_params or "{" in path:
        statuses.append(422)
    return sorted(statuses)


def _describe(op: dict[str, Any], path: str, route: APIRoute, method: str) -> None:
    takes_version = _calls(route.endpoint, "expected_version(")
    responses = op.setdefault("responses", {})
    for status, response in list(responses.items()):
        if status == "422":  # FastAPI's HTTPValidationError: replaced by the problem
            del responses[status]
        elif _calls(route.endpoint, "set_etag(") and status.startswith("2"):
            response.setdefault("headers", {})["ETag"] = {
                "description": "the version, for If-Match",
                "schema": {"type": "string"},
            }
    html = "text/html" in responses.get("200", {}).get("content", {})
    for status in _statuses(path, route, method, takes_version):
        if html and status == 404:  # a page answers a page, revealing nothing
            page = {"text/html": {"schema": {"type": "string"}}}
            responses.setdefault("404", {"description": "Not found", "content": page})
        responses.setdefault(str(status), _problem(status))
    params = op.setdefault("parameters", [])
    if takes_version:
        params.append({"$ref": "#/components/parameters/IfMatch"})
    if _calls(route.endpoint, "idempotency.create("):
        params.append({"$ref": "#/components/parameters/IdempotencyKey"})
        if "409" in responses:  # idempotency_key_in_progress says when to retry
            responses["409"] = {
                **responses["409"],
                "$ref": "#/components/responses/Problem409Retry",
            }
    if not params:
        del op["parameters"]
    scope = required_scope(route)
    if scope:
        op["security"] = [{"bearerKey": [scope]}, {"apiKeyHeader": [scope]}]
        access = location_access(route) or "any"
        op["x-location-access"] = access
        note = f"Scope: `{scope}`. {_ACCESS_NOTE[access]}"
        op["description"] = (op.get("description", "") + f"\n\n{note}").strip()
    else:
        op["security"] = []


def build(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["responses"] = {
        f"Problem{status}": {
            "description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status, (description, _) in PROBLEMS.items()
    }
    components["responses"]["Problem409Retry"] = {
        **components["responses"]["Problem409"],
        "headers": {
            "Retry-After": {
                "description": "with `idempotency_key_in_progress`: seconds until the "
                "claim's lock runs out (also `retry_after` in the body)",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    }
    components["parameters"] = HEADERS
    components["securitySchemes"] = SECURITY_SCHEMES
    by_path: dict[str, APIRoute] = {}
    for path, route in api_routes(app):
        for method in route.methods or ():
            by_path[f"{method.lower()} {path}"] = route
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            found = by_path.get(f"{method} {path}")
            if found is not None:
                _describe(op, path, found, method)
    add_links(doc)
    return doc


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return dict(doc["components"]["schemas"].get(ref.rsplit("/", 1)[1], {}))
    return schema


def _created(doc: dict[str, Any], op: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The success status of a creating operation and the schema of what it answers."""
    for status, response in op.get("responses", {}).items():
        if status.startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                return status, _resolve(doc, schema)
    return None


def add_links(doc: dict[str, Any]) -> None:
    """OpenAPI links from each collection's POST to the operations on what it created:
    ``POST /skus`` -> ``GET /skus/{ref}``, ``PATCH /skus/{ref}``, ``PUT /skus/{ref}/prices``...
    The path parameter comes from the answer's property of the same name, else its ``id``.
    Clients and schemathesis's stateful phase follow them."""
    paths = doc["paths"]
    for collection, operations in paths.items():
        post = operations.get("post")
        if post is None or "{" in collection:
            continue
        created = _created(doc, post)
        if created is None:
            continue
        status, schema = created
        properties = schema.get("properties", {})
        links: dict[str, Any] = {}
        for path, targets in paths.items():
            rest = path.removeprefix(collection + "/")
            if rest == path or not rest.startswith("{") or rest.count("{") != 1:
                continue
            param = rest[1 : rest.index("}")]
            source = param if param in properties else "id" if "id" in properties else None
            if source is None:
                continue
            for method, target in targets.items():
                name = f"{method.upper()} {path}".replace("/", "_").replace(" ", "")
                links[name] = {
                    "operationId": target["operationId"],
                    "parameters": {param: f"$response.body#/{source}"},
                }
        if links:
            post["responses"][status]["links"] = links


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
