"""What every request schema shares: unknown fields refused, explicit nulls refused where a
field cannot be emptied, and numbers with bounds that every column can hold.

Every model a request body is parsed into derives from ``RequestModel`` (checked by
``tests/unit/test_request_schemas.py``, which also checks that every number in a request
has a minimum and a maximum in the OpenAPI document). Text that no database can store
(NUL characters, lone surrogates) is refused before any schema sees it, by
``api/request_guard.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# Largest value of a 4-byte signed integer column (PostgreSQL ``integer``).
MAX_INT32 = 2**31 - 1
# Units in one stock operation or one line; a balance may hold many of them, and the
# ledger keeps every balance below MAX_INT32 (``inventory.domain.MAX_STOCK``).
MAX_QUANTITY = 1_000_000_000
# Money: the exact integer column holds 10**14 in 1/10,000 units (``db.types.Amount``).
MAX_AMOUNT = Decimal(10) ** 12

Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
"""A positive number of units in one operation."""
Count = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
"""A number of units that may be zero (a count, a safety stock, a limit)."""
SignedQuantity = Annotated[int, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
"""A signed change of units (an adjustment)."""
Version = Annotated[int, Field(ge=0, le=MAX_INT32)]
"""An optimistic-lock version (the alternative to ``If-Match``)."""
SmallCount = Annotated[int, Field(ge=0, le=1_000_000)]
"""Grams, millimetres, days, fulfillments a day and the like."""
Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=18, decimal_places=4)]
"""A non-negative amount of money."""
PositiveMoney = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, max_digits=18, decimal_places=4)]
"""A positive amount of money (a payment, a refund)."""
Weekday = Annotated[int, Field(ge=1, le=7)]
"""An ISO weekday, 1 = Monday."""
Days = Annotated[int, Field(ge=0, le=365)]
Grams = Annotated[int, Field(ge=1, le=1_000_000)]
Zone = Annotated[int, Field(ge=1, le=6)]
"""A carrier's distance zone."""
Percent = Annotated[float, Field(ge=0, le=100)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Kilometres = Annotated[float, Field(gt=0, le=40_000)]
"""A distance on Earth."""


_NUMBERS = (int, float, Decimal)


def _takes_numbers(annotation: Any) -> bool:
    """``int``, ``Decimal | None``, ``list[int]``...: a number somewhere in the type."""
    if isinstance(annotation, type) and issubclass(annotation, _NUMBERS):
        return not issubclass(annotation, bool)
    return any(_takes_numbers(arg) for arg in get_args(annotation))


class RequestModel(BaseModel):
    """A request body (or part of one): a field the schema does not name is an error, and
    ``true``/``false`` is no number (pydantic's lax mode would read ``false`` as 0)."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def _numeric_fields(cls) -> frozenset[str]:
        known: frozenset[str] | None = cls.__dict__.get("_numeric")
        if known is None:
            fields = cls.model_fields.items()
            known = frozenset(name for name, f in fields if _takes_numbers(f.annotation))
            cls._numeric = known  # type: ignore[attr-defined]
        return known

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if (
            type(value) is bool or (type(value) is list and any(type(v) is bool for v in value))
        ) and info.field_name in cls._numeric_fields():
            raise PydanticCustomError("number_expected", "a number is expected, not true/false")
        return value


def _drop_null_branch(prop: dict[str, Any]) -> None:
    """``anyOf: [X, {type: null}]`` -> ``X`` in a field's JSON schema, keeping its notes."""
    branches = prop.get("anyOf")
    if not branches:
        return
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == len(branches):
        return
    del prop["anyOf"]
    if len(kept) == 1:
        prop.update(kept[0])
    else:
        prop["anyOf"] = kept
    if prop.get("default", 0) is None:
        del prop["default"]


def _patch_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    clearable = getattr(model, "clearable", frozenset()) | {"version"}
    for name, prop in schema.get("properties", {}).items():
        if name not in clearable:
            _drop_null_branch(prop)


class PatchModel(RequestModel):
    """A partial update: only the fields sent change (``model_dump(exclude_unset=True)``).

    An explicit ``null`` is refused (422 ``null_not_allowed`` naming the field) except for
    the fields named in ``clearable``, where it empties the field, and ``version``, where
    it means no version is sent. The OpenAPI document shows ``null`` only for those.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_patch_schema)
    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable | {"version"}:
            raise PydanticCustomError(
                "null_not_allowed", "cannot be null: leave the field out to keep its value"
            )
        return value
