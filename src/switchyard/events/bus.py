"""In-transaction event handlers: how one context reacts to another's events.

A handler runs inside the unit of work that emitted the event, before commit, so the
reaction commits or rolls back with the cause (e.g. inventory allocates a backorder when
stock arrives and the orders context marks the line allocated in the same transaction).
Anything leaving the process (webhooks, emails) goes through the outbox instead.

Contexts list their handlers in ``HANDLER_MODULES``; each such module calls ``subscribe``
at import time.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from switchyard.kernel.events import DomainEvent

if TYPE_CHECKING:
    from switchyard.db.uow import UnitOfWork

Handler = Callable[["UnitOfWork", DomainEvent], None]

HANDLER_MODULES: list[str] = [
    "switchyard.invoicing.handlers",
    "switchyard.payments.handlers",
    "switchyard.orders.handlers",
    "switchyard.placement.handlers",
    "switchyard.jeopardy.handlers",
    "switchyard.manufacturing.handlers",
    "switchyard.notifications.handlers",
    "switchyard.returns.handlers",
]

_handlers: dict[str, list[Handler]] = defaultdict(list)
_loaded = False


def subscribe(event_type: str, handler: Handler) -> None:
    _handlers[event_type].append(handler)


def handlers_for(event_type: str) -> list[Handler]:
    global _loaded
    if not _loaded:
        for name in HANDLER_MODULES:
            importlib.import_module(name)
        _loaded = True
    return _handlers.get(event_type, [])


def dispatch(uow: UnitOfWork) -> None:
    """Run handlers for every event emitted since the last dispatch, including events
    handlers emit."""
    while uow.dispatched < len(uow.events):
        event = uow.events[uow.dispatched]
        uow.dispatched += 1
        for handler in handlers_for(event.type):
            handler(uow, event)
