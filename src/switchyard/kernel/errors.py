"""Typed errors with stable codes. The HTTP edge maps them to RFC 9457 problem details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One thing wrong with the input: where (a JSON path such as ``lines.2.quantity``) and why."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(eq=False)
class SwitchyardError(Exception):
    code: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


class ValidationFailed(SwitchyardError):
    status = 422
    title = "Validation failed"


class NotFound(SwitchyardError):
    status = 404
    title = "Not found"


class Conflict(SwitchyardError):
    """The request clashes with the current state (duplicate, wrong status, no stock)."""

    status = 409
    title = "Conflict"


class PreconditionFailed(SwitchyardError):
    """An ``If-Match`` or ``version`` did not match: someone else changed the resource."""

    status = 412
    title = "Precondition failed"


class PreconditionRequired(SwitchyardError):
    status = 428
    title = "Precondition required"


class Unauthorized(SwitchyardError):
    status = 401
    title = "Unauthorized"


class Unavailable(SwitchyardError):
    """Switchyard could not finish now; the client may try again (see the code)."""

    status = 503
    title = "Service unavailable"


class Forbidden(SwitchyardError):
    status = 403
    title = "Forbidden"


def not_found(kind: str, ref: str) -> NotFound:
    return NotFound(f"{kind}_not_found", f"{kind.replace('_', ' ')} '{ref}' does not exist")


def check_version(kind: str, expected: int | None, actual: int) -> None:
    """Optimistic concurrency: ``expected`` None means the caller did not ask for a check."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(
            "version_mismatch",
            f"{kind} is at version {actual}, not {expected}: reload it and try again",
            extra={"current_version": actual},
        )
