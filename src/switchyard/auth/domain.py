"""API keys and what they allow. Pure Python: no framework, no database."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from switchyard.kernel.errors import Forbidden, ValidationFailed
from switchyard.kernel.events import Actor

RESOURCES = (
    "orders",
    "inventory",
    "fulfillment",
    "carriers",
    "catalog",
    "locations",
    "channels",
    "customers",
    "rules",
    "compliance",
    "payments",
    "sourcing",
)
ADMIN = "admin"
SCOPES = frozenset(
    [f"{r}:{a}" for r in RESOURCES for a in ("read", "write")] + [ADMIN, "webhooks:write"]
)
KEY_PREFIX = "sy"


class LocationAccess(StrEnum):
    """What a location-restricted key may do with an operation (the rule in one place;
    docs/architecture.md "Location-restricted keys" says it for people).

    * ``any``: the operation holds no customer data, or none tied to a location (catalog,
      locations, channels, carriers, rules, compliance, sourcing set-up, stock figures);
    * ``own``: the operation's use case shows or changes only the key's locations' part:
      fulfillments and pick work at them, stock moved there, orders with a fulfillment
      there and the customers, payments and invoices of those orders (others: 404, or
      403 ``location_forbidden`` for what is addressed by location);
    * ``unrestricted``: a restricted key is refused (403 ``location_restricted_key``):
      capturing and changing orders, drafts, customers' address books, payments, master
      data changes, webhooks, API keys and everything else that acts for the whole
      business.
    """

    ANY = "any"
    OWN = "own"
    UNRESTRICTED = "unrestricted"


# Reads of data that belongs to orders: only the key's locations' part.
_OWN_READS = {"orders", "customers", "payments", "fulfillment"}
# Writes whose use case checks the location it acts at.
_OWN_WRITES = {"inventory", "fulfillment"}


def default_location_access(scope: str) -> LocationAccess:
    """The access of an operation requiring ``scope``, unless the route says otherwise."""
    resource, _, action = scope.partition(":")
    if action == "read":
        return LocationAccess.OWN if resource in _OWN_READS else LocationAccess.ANY
    if action == "write" and resource in _OWN_WRITES:
        return LocationAccess.OWN
    return LocationAccess.UNRESTRICTED


def hash_key(raw: str) -> str:
    """Keys carry 192 random bits, so a fast hash is safe; only the hash is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_key() -> tuple[str, str]:
    """A new raw key and its public prefix (shown in listings to tell keys apart)."""
    public = secrets.token_hex(4)
    return f"{KEY_PREFIX}_{public}_{secrets.token_urlsafe(24)}", f"{KEY_PREFIX}_{public}"


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - SCOPES)
    if unknown:
        raise ValidationFailed(
            "unknown_scope",
            f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(sorted(SCOPES))}",
        )
    if not scopes:
        raise ValidationFailed("no_scopes", "an API key needs at least one scope")
    return sorted(set(scopes))


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request."""

    key_id: str
    name: str
    scopes: frozenset[str]
    location_ids: frozenset[str] | None  # None: every location

    @classmethod
    def system(cls, name: str = "switchyard") -> Principal:
        """Every scope and location: for the CLI, the demo loader and background jobs."""
        return cls(key_id="system", name=name, scopes=frozenset({ADMIN}), location_ids=None)

    @property
    def actor(self) -> Actor:
        return Actor("api_key", self.key_id, self.name)

    def has(self, scope: str) -> bool:
        if ADMIN in self.scopes or scope in self.scopes:
            return True
        resource, _, action = scope.partition(":")
        return action == "read" and f"{resource}:write" in self.scopes

    def permits(self, scope: str, access: LocationAccess | None = None) -> bool:
        """Whether an operation requiring ``scope`` with ``access`` (by default the
        scope's) is allowed: the rule ``api.deps.require`` enforces, as a question."""
        if not self.has(scope):
            return False
        access = access or default_location_access(scope)
        return not (access is LocationAccess.UNRESTRICTED and self.restricted)

    def require(self, scope: str) -> None:
        if not self.has(scope):
            raise Forbidden("missing_scope", f"this API key lacks the '{scope}' scope")

    @property
    def restricted(self) -> bool:
        """The key is restricted to some locations."""
        return self.location_ids is not None

    def require_unrestricted(self) -> None:
        if self.location_ids is not None:
            raise Forbidden(
                "location_restricted_key",
                "this operation needs a key that is not restricted to locations",
            )

    def can_access_location(self, location_id: str) -> bool:
        return self.location_ids is None or location_id in self.location_ids

    def require_location(self, location_id: str) -> None:
        if not self.can_access_location(location_id):
            raise Forbidden("location_forbidden", "this API key is restricted to other locations")
