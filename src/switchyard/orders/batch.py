"""Bulk capture: up to 1,000 orders in one request, each succeeding or failing on its own.

The batch runs in one transaction with a savepoint per order: an order that fails
(invalid, rejected by validation, out of stock, a duplicate) rolls back to its savepoint
and takes its events with it, the others stay. So the batch's response can be stored
with its effects for ``Idempotency-Key`` replays, and a crash leaves all or nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from switchyard.db import pending_writes
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.orders.schemas import BatchRead, BatchResult, OrderCreate
from switchyard.placement.place import place_order


def problem(exc: SwitchyardError) -> dict[str, Any]:
    """The problem details the API would have answered for this order alone."""
    body: dict[str, Any] = {
        "type": f"urn:switchyard:problem:{exc.code}",
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "code": exc.code,
    }
    if exc.errors:
        body["errors"] = [e.as_dict() for e in exc.errors]
    return {**exc.extra, **body}


def invalid(exc: ValidationError) -> dict[str, Any]:
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "code": e.get("type", "invalid"),
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors()
    ]
    return {
        "type": "urn:switchyard:problem:invalid_request",
        "title": "Validation failed",
        "status": 422,
        "detail": f"{len(errors)} field(s) are invalid",
        "code": "invalid_request",
        "errors": errors,
    }


def place_batch(uow: UnitOfWork, items: list[dict[str, Any]]) -> BatchRead:
    results: list[BatchResult] = []
    for i, item in enumerate(items):
        external_id = item.get("external_id") if isinstance(item, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        try:
            cmd = OrderCreate.model_validate(item)
        except ValidationError as exc:
            results.append(
                BatchResult(index=i, status=422, external_id=external_id, problem=invalid(exc))
            )
            continue
        mark = len(uow.events)
        try:
            with uow.conn.begin_nested():
                order = place_order(uow, cmd, at_commit=False)
                pending_writes.flush(uow.conn)  # an existing external id is refused here
        except SwitchyardError as exc:
            del uow.events[mark:]
            results.append(
                BatchResult(
                    index=i, status=exc.status, external_id=external_id, problem=problem(exc)
                )
            )
            continue
        results.append(
            BatchResult(
                index=i,
                status=201,
                external_id=order.external_id,
                order_id=order.id,
                order_status=order.status,
            )
        )
    placed = sum(1 for r in results if r.status == 201)
    return BatchRead(placed=placed, failed=len(results) - placed, results=results)
