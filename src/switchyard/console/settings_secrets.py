"""Settings pages that show a secret once answer their POST with a 303 to a page that
reads it from the one-time stash (``staff.stash``): a reload shows a note instead of the
secret and never makes a second key or secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request

from switchyard.console.web import Staff, run
from switchyard.db.uow import UnitOfWork
from switchyard.staff import stash

PARAM = "shown"


def keep(uow: UnitOfWork, staff: Staff, kind: str, payload: dict[str, Any]) -> str:
    """In the use case that made the secret: ``?shown=<ref>`` for the page it leads to."""
    return f"{PARAM}={quote(stash.put(uow, staff.id, kind, payload))}"


async def shown(request: Request, staff: Staff, kind: str) -> dict[str, Any]:
    """For the page: ``{"secret": ..., ...}`` the first time, ``{"gone": True}`` on a
    reload (or another session, or after ten minutes); ``{}`` when none was asked for."""
    ref = request.query_params.get(PARAM)
    if ref is None:
        return {}
    found = await run(request, staff, lambda uow: stash.take(uow, staff.id, kind, ref))
    return found if found is not None else {"gone": True}
