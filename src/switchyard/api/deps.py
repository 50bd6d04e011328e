"""FastAPI dependencies: the database and the authenticated, scope-checked principal."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from switchyard.auth.domain import LocationAccess, Principal, default_location_access, hash_key
from switchyard.auth.service import authenticate
from switchyard.db.uow import Database
from switchyard.kernel.errors import Unauthorized
from switchyard.kernel.events import Actor

# The dependencies are ``async``: FastAPI runs a plain ``def`` dependency in a worker
# thread, and a hop to a thread per dependency per request costs more than their work.


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DbDep = Annotated[Database, Depends(get_db)]


class PrincipalCache:
    """Authenticated keys for a few seconds, so a request costs no extra query for auth.

    A revoked key stops working within ``ttl`` seconds on every process.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    async def lookup(self, db: Database, raw: str) -> Principal | None:
        """The key's principal: from the cache, else read (in a worker thread) and kept."""
        digest = hash_key(raw)
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(digest)
        if hit and hit[0] > now:
            return hit[1]
        principal = await run_in_threadpool(
            db.run, Actor.system("auth"), lambda uow: authenticate(uow, raw), read_only=True
        )
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (now + self.ttl, principal)
        return principal

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _raw_key(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return request.headers.get("x-api-key")


async def get_principal(request: Request) -> Principal:
    raw = _raw_key(request)
    if not raw:
        raise Unauthorized(
            "missing_api_key",
            "send an API key as 'Authorization: Bearer <key>'",
        )
    cache: PrincipalCache = request.app.state.principals
    principal = await cache.lookup(request.app.state.db, raw)
    if principal is None:
        raise Unauthorized("invalid_api_key", "the API key is unknown or revoked")
    return principal


def require(
    scope: str, locations: LocationAccess | None = None
) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates, checks one scope and refuses a location-restricted
    key where the operation is not for one (``locations``: the access, by default the
    scope's, see ``auth.domain.LocationAccess``). One dependency, not a chain: FastAPI's
    cost grows with every dependency it resolves per request."""
    access = locations or default_location_access(scope)
    unrestricted_only = access is LocationAccess.UNRESTRICTED

    async def dependency(request: Request) -> Principal:
        principal = await get_principal(request)
        principal.require(scope)
        if unrestricted_only:
            principal.require_unrestricted()
        return principal

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    dependency.scope = scope  # type: ignore[attr-defined]  # read by api.openapi
    dependency.location_access = access  # type: ignore[attr-defined]  # read by api.openapi
    return dependency


OrdersRead = Annotated[Principal, Depends(require("orders:read"))]
OrdersWrite = Annotated[Principal, Depends(require("orders:write"))]
InventoryRead = Annotated[Principal, Depends(require("inventory:read"))]
InventoryWrite = Annotated[Principal, Depends(require("inventory:write"))]
FulfillmentRead = Annotated[Principal, Depends(require("fulfillment:read"))]
FulfillmentWrite = Annotated[Principal, Depends(require("fulfillment:write"))]
CatalogRead = Annotated[Principal, Depends(require("catalog:read"))]
CatalogWrite = Annotated[Principal, Depends(require("catalog:write"))]
LocationsRead = Annotated[Principal, Depends(require("locations:read"))]
LocationsWrite = Annotated[Principal, Depends(require("locations:write"))]
ChannelsRead = Annotated[Principal, Depends(require("channels:read"))]
ChannelsWrite = Annotated[Principal, Depends(require("channels:write"))]
CustomersRead = Annotated[Principal, Depends(require("customers:read"))]
CustomersWrite = Annotated[Principal, Depends(require("customers:write"))]
RulesRead = Annotated[Principal, Depends(require("rules:read"))]
RulesWrite = Annotated[Principal, Depends(require("rules:write"))]
ComplianceRead = Annotated[Principal, Depends(require("compliance:read"))]
ComplianceWrite = Annotated[Principal, Depends(require("compliance:write"))]
PaymentsRead = Annotated[Principal, Depends(require("payments:read"))]
PaymentsWrite = Annotated[Principal, Depends(require("payments:write"))]
CarriersRead = Annotated[Principal, Depends(require("carriers:read"))]
CarriersWrite = Annotated[Principal, Depends(require("carriers:write"))]
SourcingRead = Annotated[Principal, Depends(require("sourcing:read"))]
SourcingWrite = Annotated[Principal, Depends(require("sourcing:write"))]
Admin = Annotated[Principal, Depends(require("admin"))]
WebhooksWrite = Annotated[Principal, Depends(require("webhooks:write"))]
# Reads and writes that act for the whole business although their scope's usually do not
# (see auth.domain.LocationAccess).
_WHOLE = LocationAccess.UNRESTRICTED
OrdersReadWhole = Annotated[Principal, Depends(require("orders:read", _WHOLE))]
OrdersWriteWhole = Annotated[Principal, Depends(require("orders:write", _WHOLE))]
CustomersReadWhole = Annotated[Principal, Depends(require("customers:read", _WHOLE))]
InventoryWriteWhole = Annotated[Principal, Depends(require("inventory:write", _WHOLE))]
# Stock, sourcing and promise figures hold no customer data: any key with the scope.
OrdersReadAny = Annotated[Principal, Depends(require("orders:read", LocationAccess.ANY))]
