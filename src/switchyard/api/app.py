"""The FastAPI application: one router per bounded context under /api/v1."""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import AsyncIterator

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.responses import RedirectResponse
from sqlalchemy import text

from switchyard import __version__
from switchyard.api import openapi, problems
from switchyard.api.deps import DbDep, PrincipalCache
from switchyard.api.last_resort import LastResortMiddleware
from switchyard.api.query_params import single_valued_query
from switchyard.api.request_guard import RequestGuardMiddleware
from switchyard.config import Settings
from switchyard.console import app as console
from switchyard.db import cache_invalidation
from switchyard.db.engine import make_engine
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor

# Each module exposes ``router``; the order is the order of the OpenAPI document and of
# route matching, which tries routes one by one: the busiest (orders, availability) first.
ROUTERS = [
    "switchyard.orders.endpoints",
    "switchyard.inventory.endpoints",
    "switchyard.channels.endpoints",
    "switchyard.locations.endpoints",
    "switchyard.catalog.endpoints",
    "switchyard.customers.endpoints",
    "switchyard.orders.amendment_endpoints",
    "switchyard.orders.hold_endpoints",
    "switchyard.jeopardy.endpoints",
    "switchyard.orders.draft_endpoints",
    "switchyard.orders.history_endpoints",
    "switchyard.fulfillment.endpoints",
    "switchyard.sourcing.endpoints",
    "switchyard.sourcing.order_endpoints",
    "switchyard.placement.exclusion_endpoints",
    "switchyard.manufacturing.endpoints",
    "switchyard.fulfillment.work_endpoints",
    "switchyard.fulfillment.shipping_endpoints",
    "switchyard.carriers.endpoints",
    "switchyard.payments.endpoints",
    "switchyard.invoicing.endpoints",
    "switchyard.returns.endpoints",
    "switchyard.inventory.nonsellable_endpoints",
    "switchyard.webhooks.endpoints",
    "switchyard.notifications.endpoints",
    "switchyard.integrations.endpoints",
    "switchyard.rules.endpoints",
    "switchyard.compliance.endpoints",
    "switchyard.auth.endpoints",
]
# Served at the root, outside /api/v1, without an API key.
PUBLIC_ROUTERS = ["switchyard.tracking.endpoints", "switchyard.integrations.webhook_endpoints"]
# Where ``/`` sends a browser: the console (its sign-in page when signed out).
HOME = "/console"


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    if db is None:
        db = Database(make_engine(settings.database_url, pool_size=settings.pool_size))

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = max(1, settings.request_threads)
        cache_invalidation.listen(db.engine)
        # Everything loaded at start-up lives as long as the process: keep the collector
        # from walking it again and again (shorter pauses at the tail of request latency).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            cache_invalidation.unlisten(db.engine)

    app = FastAPI(
        lifespan=lifespan,
        title="Switchyard",
        version=__version__,
        description="Order management: capture, inventory, sourcing, fulfilment.",
        dependencies=[Depends(single_valued_query)],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.principals = PrincipalCache(settings.auth_cache_seconds)
    problems.install(app)
    openapi.install(app)
    app.add_middleware(RequestGuardMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(LastResortMiddleware)  # outermost: its id is on every answer

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(HOME, status_code=307)

    @app.get("/health", tags=["health"])
    def health(db: DbDep) -> dict[str, str]:
        db.run(
            Actor.system("health"), lambda uow: uow.conn.execute(text("SELECT 1")), read_only=True
        )
        return {"status": "ok", "database": db.dialect, "version": __version__}

    for name in ROUTERS:  # directly on the app: every level of nesting costs per request
        app.include_router(importlib.import_module(name).router, prefix="/api/v1")
    for name in PUBLIC_ROUTERS:
        app.include_router(importlib.import_module(name).router)
    console.install(app)
    return app
