"""Query filters that take one of a fixed set of values (a status, a type, a kind).

An unknown value is a mistake, not a filter that matches nothing: ``?status=shiped``
answered an empty page, as if there were no such fulfillments. Every list endpoint checks
such a filter the same way: 422 ``invalid_<name>`` with one error on ``query.<name>``,
code ``invalid_choice``, whose message lists the values it takes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from fastapi import Query

from switchyard.kernel.errors import FieldError, ValidationFailed


def check_choice(name: str, value: str | None, choices: Collection[str], what: str) -> None:
    """Refuse ``?<name>=<value>`` unless the value is one of ``choices`` (None passes).

    ``what`` completes the detail "'<value>' is not ...": "an order status".
    """
    if value is None or value in choices:
        return
    raise ValidationFailed(
        f"invalid_{name}",
        f"'{value}' is not {what}",
        [FieldError(f"query.{name}", "invalid_choice", ", ".join(sorted(choices)))],
    )


def choice_of(choices: Collection[str], what: str) -> Any:
    """The ``Query`` of such a filter, so the OpenAPI document lists the values it takes
    (``check_choice`` refuses the others): ``Annotated[str | None, choice_of(...)]``."""
    values = sorted(choices)
    return Query(description=f"{what}: {', '.join(values)}", json_schema_extra={"enum": values})
