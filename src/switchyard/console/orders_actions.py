"""What a person does to an order from its page, through the API's use cases.

Each form posts the order's version (the ETag the page was rendered with), is checked
with the API's request model for that action, and runs the use case the endpoint runs,
as the signed-in user (who then shows on the timeline). A refusal re-renders the page
with the error beside the form's field and nothing saved; success redirects to the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from switchyard.console.orders_detail import ADDRESS, ORDER_PATH, show
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, redirect, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, SwitchyardError, ValidationFailed
from switchyard.orders import amendments, holds, service
from switchyard.orders.amendment_schemas import (
    HoldCreate,
    HoldRelease,
    LineAdd,
    LineUpdate,
    OrderUpdate,
)
from switchyard.orders.order_updates import update_order
from switchyard.orders.schemas import OrderCancel

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

MAX_INPUT = 5000


def _form_values(form: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v)[:MAX_INPUT] for k, v in form.items() if k != "csrf_token"}


def _int(values: Mapping[str, str], name: str, label: str) -> int:
    raw = values.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise ValidationFailed(
            f"invalid_{name}",
            f"{label} must be a whole number",
            [FieldError(name, "not_a_number", "enter a whole number, like 2")],
        )
    return int(raw)


def _checked(model: type[BaseModel], data: dict[str, Any], prefix: str = "") -> Any:
    """The API's request model for the action, its errors as the form's field errors."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(
                prefix + ".".join(str(p) for p in e["loc"]) if e["loc"] else prefix.rstrip("."),
                str(e["type"]),
                str(e["msg"]),
            )
            for e in exc.errors()
        ]
        raise ValidationFailed(
            "invalid_request", f"{len(errors)} field(s) are invalid", errors
        ) from None


async def _act(
    request: Request,
    staff: Staff,
    order_id: str,
    action: str,
    use_case: Callable[[dict[str, str], int], Callable[[UnitOfWork], Any]],
    done: str,
    names: Mapping[str, str] | None = None,
) -> Response:
    """Run one action's use case; on refusal, the page with the form's errors."""
    require(staff, "orders:write")
    values = _form_values(await request.form())
    try:
        version = _int(values, "version", "The order's version")
        await run(request, staff, use_case(values, version))
    except SwitchyardError as exc:
        return await show(
            request,
            staff,
            order_id,
            errors={action: FormErrors.of(exc, names)},
            values={action: values},
            status=exc.status,
        )
    url = f"/console/orders/{order_id}?done={quote(done)}"
    return redirect(request, url)


def _reason(values: Mapping[str, str], name: str = "reason") -> str | None:
    return values.get(name, "").strip() or None


@router.post(ORDER_PATH + "/cancel")
async def cancel_order(request: Request, staff: Staff, order_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        body = _checked(OrderCancel, {"reason": _reason(values)})
        return lambda uow: service.cancel_order(uow, order_id, version, body.reason)

    return await _act(request, staff, order_id, "cancel", use_case, "Order cancelled.")


@router.post(ORDER_PATH + "/lines/{line_id}/cancel")
async def cancel_line(request: Request, staff: Staff, order_id: str, line_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        body = _checked(OrderCancel, {"reason": _reason(values)})
        return lambda uow: amendments.cancel_line(uow, order_id, line_id, version, body.reason)

    return await _act(request, staff, order_id, f"cancel-{line_id}", use_case, "Line cancelled.")


@router.post(ORDER_PATH + "/lines/{line_id}/quantity")
async def change_quantity(request: Request, staff: Staff, order_id: str, line_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        quantity = _int(values, "quantity", "Units")
        body = _checked(LineUpdate, {"quantity": quantity})
        return lambda uow: amendments.change_line_quantity(
            uow, order_id, line_id, body.quantity, version
        )

    return await _act(request, staff, order_id, f"qty-{line_id}", use_case, "Quantity changed.")


@router.post(ORDER_PATH + "/lines")
async def add_line(request: Request, staff: Staff, order_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        quantity = _int(values, "quantity", "Units")
        data: dict[str, Any] = {"sku": values.get("sku", "").strip(), "quantity": quantity}
        if values.get("unit_price", "").strip():
            data["unit_price"] = values["unit_price"].strip().replace(",", ".")
        body = _checked(LineAdd, data)
        return lambda uow: amendments.add_line(
            uow, order_id, body.sku, body.quantity, body.unit_price, body.discount, version
        )

    return await _act(request, staff, order_id, "add-line", use_case, "Line added.")


@router.post(ORDER_PATH + "/address")
async def change_address(request: Request, staff: Staff, order_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        address = {k: values.get(k, "").strip() or None for k in ADDRESS}
        if address["country_code"]:
            address["country_code"] = address["country_code"].upper()
        body = _checked(OrderUpdate, {"shipping_address": address})
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return lambda uow: update_order(uow, order_id, changes, version)

    names = {f"shipping_address.{k}": k for k in ADDRESS}
    return await _act(
        request, staff, order_id, "address", use_case, "Shipping address changed.", names
    )


@router.post(ORDER_PATH + "/delivery")
async def change_delivery(request: Request, staff: Staff, order_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        method = values.get("delivery_method", "").strip()
        data: dict[str, Any] = {"delivery_method": method}
        if method == "pickup":
            data["pickup_location"] = values.get("pickup_location", "").strip() or None
        body = _checked(OrderUpdate, data)
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return lambda uow: update_order(uow, order_id, changes, version)

    return await _act(request, staff, order_id, "delivery", use_case, "Delivery method changed.")


@router.post(ORDER_PATH + "/holds")
async def place_hold(request: Request, staff: Staff, order_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        body = _checked(
            HoldCreate,
            {"type": values.get("type", "").strip(), "reason": values.get("reason", "").strip()},
        )
        return lambda uow: holds.place_hold(uow, order_id, body.type, body.reason, version)

    return await _act(request, staff, order_id, "hold", use_case, "Hold placed.")


@router.post(ORDER_PATH + "/holds/release")
async def release_holds(request: Request, staff: Staff, order_id: str) -> Response:
    def use_case(values: dict[str, str], version: int) -> Callable[[UnitOfWork], Any]:
        body = _checked(HoldRelease, {"note": values.get("note", "").strip()})
        hold_id = values.get("hold_id", "").strip() or None
        return lambda uow: holds.release_holds(uow, order_id, hold_id, body.note, version)

    return await _act(request, staff, order_id, "release", use_case, "Hold released.")
