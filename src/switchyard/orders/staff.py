"""Who acts on an order: the API key, or a staff member the key names.

Staff tools share one API key and say who is at the keyboard in ``X-Switchyard-User``;
the timeline then shows that person, with the key's id (and name) next to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from switchyard.auth.domain import Principal
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.events import Actor

HEADER = "x-switchyard-user"
MAX_USER = 120


@dataclass(frozen=True, slots=True)
class StaffPrincipal(Principal):
    user: str = ""

    @property
    def actor(self) -> Actor:
        return Actor("user", self.key_id, f"{self.user} (key {self.name})"[:200])


def acting(request: Request, principal: Principal) -> Principal:
    """The principal whose actor goes on the timeline for this request."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return principal
    user = raw.strip()
    if not 1 <= len(user) <= MAX_USER or not user.isprintable():
        raise ValidationFailed(
            "invalid_user_header",
            f"X-Switchyard-User must be 1 to {MAX_USER} printable characters",
            [FieldError(f"header.{HEADER}", "invalid_user", "1 to 120 printable characters")],
        )
    return StaffPrincipal(
        principal.key_id, principal.name, principal.scopes, principal.location_ids, user
    )
