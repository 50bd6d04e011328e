"""The stock actions of a SKU's page: adjust, cycle count, receive, transfer, safety stock
and receiving incoming supply.

Each one checks ``inventory:write`` and the location as the API's inventory endpoint
does (a user bound to locations acts only at theirs: 403 page otherwise), reads the form
with the API's request model and runs the API's use case in one transaction as the user,
so the ledger names them. A refusal re-renders the page with the error beside the field
and nothing saved. Each form carries a ``form_token`` that runs its use case under the
API's Idempotency-Key machinery (``form_tokens``): a double click books one movement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field

from switchyard.api.fields import RequestModel
from switchyard.auth.domain import Principal
from switchyard.console import form_tokens
from switchyard.console.formatting import time_zone
from switchyard.console.inventory_forms import day_start, form_values, parse
from switchyard.console.inventory_views import sku_page, sku_url
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, redirect, require
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import operations, refs, supply, transfers
from switchyard.inventory import service as inventory
from switchyard.inventory.schemas import (
    AdjustmentCreate,
    CountCreate,
    LevelSettingsUpdate,
    ReceiptCreate,
    ReceiveLines,
    TransferCreate,
)
from switchyard.kernel.errors import FieldError, Forbidden, SwitchyardError, ValidationFailed
from switchyard.locations.repository import LocationRepository
from switchyard.staff.service import StaffSession

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


class IncomingRef(RequestModel):
    """The transfer or purchase order an incoming line belongs to (a hidden field)."""

    id: str = Field(min_length=1, max_length=100)


class SettingsAt(RequestModel):
    """Where safety stock is set (the API has it in the path)."""

    location: str = Field(min_length=1, max_length=100)


UseCase = Callable[[UnitOfWork], dict[str, Any]]
Prepare = Callable[[dict[str, str], StaffSession], UseCase]


def _pair(uow: UnitOfWork, principal: Principal, sku: str, location: str) -> tuple[str, str]:
    """As ``stock_endpoints._pair``: the SKU and location, and the user may act there."""
    sku_id, location_id = refs.sku_id(uow, sku), refs.location_id(uow, location)
    principal.require_location(location_id)
    return sku_id, location_id


def _code(uow: UnitOfWork, location_id: str) -> str:
    row = uow.repo(LocationRepository).get(location_id)
    return str(row["code"]) if row else location_id


async def _act(
    request: Request,
    staff: StaffSession,
    sku: str,
    action: str,
    names: Mapping[str, str],
    prepare: Prepare,
) -> Response:
    require(staff, "inventory:write")
    form = await request.form()
    values = form_values(form, action)
    try:
        # the form's token as Idempotency-Key: a double click books one movement
        use_case = prepare(values, staff)
        done = await form_tokens.once(request, staff, form_tokens.token_of(form), values, use_case)
    except Forbidden:
        raise
    except SwitchyardError as exc:
        return await sku_page(
            request,
            staff,
            sku,
            form=action,
            errors=FormErrors.of(exc, names),
            values=values,
            status=exc.status,
            at=values.get(f"{action}_location", ""),
        )
    return redirect(request, sku_url(sku, **done) + f"#{action}")


def _names(action: str, *fields: str) -> dict[str, str]:
    return {f: f"{action}_{f}" for f in fields}


ADJUST = _names("adjust", "location", "quantity", "reason", "reference")
COUNT = _names("count", "location", "counted", "reference")
RECEIVE = _names("receive", "location", "quantity", "reference")
SAFETY = _names("safety", "location", "safety_stock", "reorder_point")
TRANSFER = {
    "from_location": "transfer_location",
    "to_location": "transfer_to",
    "eta": "transfer_eta",
    "reference": "transfer_reference",
    "lines.0": "transfer_quantity",
    "lines.0.quantity": "transfer_quantity",
}
INCOMING = {"lines.0": "incoming_quantity", "lines.0.quantity": "incoming_quantity"}


@router.post("/inventory/skus/{sku}/adjust")
async def adjust(request: Request, sku: str, staff: Staff) -> Response:
    def prepare(v: dict[str, str], staff: StaffSession) -> UseCase:
        body = parse(AdjustmentCreate, {"sku": sku, **{k: v.get(f) for k, f in ADJUST.items()}})

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            pair = _pair(uow, staff.principal, body.sku, body.location)
            operations.adjust(uow, *pair, body.quantity, body.reason, body.reference)
            return {"done": "adjusted", "n": body.quantity, "loc": _code(uow, pair[1])}

        return use_case

    return await _act(request, staff, sku, "adjust", ADJUST, prepare)


@router.post("/inventory/skus/{sku}/count")
async def count(request: Request, sku: str, staff: Staff) -> Response:
    def prepare(v: dict[str, str], staff: StaffSession) -> UseCase:
        body = parse(CountCreate, {"sku": sku, **{k: v.get(f) for k, f in COUNT.items()}})

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            pair = _pair(uow, staff.principal, body.sku, body.location)
            _, diff = operations.cycle_count(uow, *pair, body.counted, reference=body.reference)
            return {"done": "counted", "n": diff, "loc": _code(uow, pair[1])}

        return use_case

    return await _act(request, staff, sku, "count", COUNT, prepare)


@router.post("/inventory/skus/{sku}/receive")
async def receive(request: Request, sku: str, staff: Staff) -> Response:
    def prepare(v: dict[str, str], staff: StaffSession) -> UseCase:
        body = parse(ReceiptCreate, {"sku": sku, **{k: v.get(f) for k, f in RECEIVE.items()}})

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            pair = _pair(uow, staff.principal, body.sku, body.location)
            inventory.receive(uow, *pair, body.quantity, body.reference)
            return {"done": "received", "n": body.quantity, "loc": _code(uow, pair[1])}

        return use_case

    return await _act(request, staff, sku, "receive", RECEIVE, prepare)


@router.post("/inventory/skus/{sku}/transfer")
async def transfer(request: Request, sku: str, staff: Staff) -> Response:
    tz = time_zone(request, staff)

    def prepare(v: dict[str, str], staff: StaffSession) -> UseCase:
        quantity = v.get("transfer_quantity")
        body = parse(
            TransferCreate,
            {
                "from_location": v.get("transfer_location"),
                "to_location": v.get("transfer_to"),
                "eta": day_start(v.get("transfer_eta", ""), tz, "eta"),
                "reference": v.get("transfer_reference"),
                "lines": [{"sku": sku, **({"quantity": quantity} if quantity else {})}],
            },
        )

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            # as supply_endpoints.create_transfer: the user must be able to act at the source
            source = refs.location_id(uow, body.from_location, "from_location")
            staff.principal.require_location(source)
            target = refs.location_id(uow, body.to_location, "to_location")
            lines = [(refs.sku_id(uow, ln.sku, "lines.0.sku"), ln.quantity) for ln in body.lines]
            transfers.create_transfer(
                uow, source, target, lines, eta=body.eta, reference=body.reference
            )
            return {
                "done": "transferred",
                "n": lines[0][1],
                "loc": _code(uow, source),
                "to": _code(uow, target),
            }

        return use_case

    return await _act(request, staff, sku, "transfer", TRANSFER, prepare)


@router.post("/inventory/skus/{sku}/safety")
async def safety_stock(request: Request, sku: str, staff: Staff) -> Response:
    def prepare(v: dict[str, str], staff: StaffSession) -> UseCase:
        if not v.get("safety_safety_stock"):
            raise ValidationFailed(
                "invalid_request",
                "check the field marked below",
                [FieldError("safety_stock", "missing", "Required.")],
            )
        body = parse(
            LevelSettingsUpdate,
            {
                "safety_stock": v["safety_safety_stock"],
                "reorder_point": v.get("safety_reorder_point"),
            },
        )
        values = body.model_dump(exclude_unset=True)
        values.setdefault("reorder_point", None)  # left empty: no reorder point
        location = parse(SettingsAt, {"location": v.get("safety_location")}).location

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            pair = _pair(uow, staff.principal, sku, location)
            level = operations.set_stock_settings(uow, *pair, **values)
            return {"done": "settings", "n": level.safety_stock, "loc": _code(uow, pair[1])}

        return use_case

    return await _act(request, staff, sku, "safety", SAFETY, prepare)


@router.post("/inventory/skus/{sku}/incoming")
async def receive_incoming(request: Request, sku: str, staff: Staff) -> Response:
    """Book units of a transfer in transit or of a purchase order as arrived."""

    def prepare(v: dict[str, str], staff: StaffSession) -> UseCase:
        quantity = v.get("incoming_quantity")
        body = parse(
            ReceiveLines, {"lines": [{"sku": sku, **({"quantity": quantity} if quantity else {})}]}
        )
        source = v.get("incoming_source")
        source_id = parse(IncomingRef, {"id": v.get("incoming_id")}).id
        assert body.lines is not None
        units = body.lines[0].quantity

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            sku_id = refs.sku_id(uow, sku, "lines.0.sku")
            if source == "transfer":  # as supply_endpoints.receive_transfer
                found = transfers.get_transfer(uow, source_id)
                staff.principal.require_location(found["to_location_id"])
                transfers.receive_transfer(uow, source_id, [(sku_id, units)])
                location_id = found["to_location_id"]
            else:  # as supply_endpoints.receive_purchase_order
                po = supply.get_purchase_order(uow, source_id)
                staff.principal.require_location(po["location_id"])
                supply.receive_purchase_order(uow, source_id, [(sku_id, units)])
                location_id = po["location_id"]
            return {"done": "received", "n": units, "loc": _code(uow, location_id)}

        return use_case

    return await _act(request, staff, sku, "incoming", INCOMING, prepare)
