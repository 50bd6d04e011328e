"""A query parameter the operation takes once may be sent once.

Starlette keeps every value of a repeated key and FastAPI reads the last one, so
``?channel=web&channel=store`` used to filter by ``store`` silently. Only the parameters
an operation declares as lists (``?sku=A&sku=B``) may repeat; any other repeated key is
422 ``repeated_parameter`` naming ``query.<key>``. Installed as an app-wide dependency,
so it sees the matched route; a query string without ``&`` costs one byte search.
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from fastapi import Request

from switchyard.kernel.errors import FieldError, ValidationFailed

_SEQUENCES = (list, tuple, set, frozenset)


def _is_sequence(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_is_sequence(arg) for arg in get_args(annotation))
    return origin in _SEQUENCES or annotation in _SEQUENCES


def _query_fields(dependant: Any) -> Iterator[Any]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _query_fields(sub)


def _repeatable(route: Any) -> frozenset[str]:
    """The route's list-valued query parameters, worked out once per route (kept on it)."""
    known: frozenset[str] | None = getattr(route, "repeatable_query", None)
    if known is None:
        dependant = getattr(route, "dependant", None)
        fields = _query_fields(dependant) if dependant is not None else iter(())
        known = frozenset(f.alias for f in fields if _is_sequence(f.field_info.annotation))
        if route is not None:
            route.repeatable_query = known
    return known


def single_valued_query(request: Request) -> None:
    query = request.scope.get("query_string", b"")
    if b"&" not in query:
        return
    counts = Counter(key for key, _ in request.query_params.multi_items())
    repeated = {key for key, n in counts.items() if n > 1}
    repeated -= _repeatable(request.scope.get("route"))
    if repeated:
        raise ValidationFailed(
            "repeated_parameter",
            "a query parameter that takes one value was given several times",
            [
                FieldError(f"query.{key}", "repeated_parameter", "give it once")
                for key in sorted(repeated)
            ],
        )
