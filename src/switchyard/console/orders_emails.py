"""The customer's emails on an order's page: resend one, and the customer's opt-out of
non-essential emails.

* Resend runs the use case of ``POST /api/v1/notifications/{id}/resend``
  (``notifications.service.resend``) with that endpoint's permission (orders:write for
  the whole business) and under the API's Idempotency-Key machinery with the button's
  form token as the key: a double click queues one message. The timeline's
  ``notification.resent`` names the user.
* The opt-out runs ``PATCH /api/v1/customers/{id}``'s use case
  (``customers.service.update_customer``) with customers:write, against the customer's
  version the page was drawn with.

The list itself is read by ``orders_detail`` (``notifications.service.for_order``, as
``GET /api/v1/orders/{id}/notifications``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.auth.domain import LocationAccess
from switchyard.console import form_tokens
from switchyard.console.orders_detail import ORDER_PATH, show
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, redirect, require, run
from switchyard.customers import service as customers
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import (
    FieldError,
    SwitchyardError,
    ValidationFailed,
    not_found,
)
from switchyard.notifications import service as notifications
from switchyard.notifications.schemas import NotificationRead
from switchyard.orders import service as orders
from switchyard.orders import visibility

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
NOTIFICATION_ID = "ntf_[0-9A-Za-z]{1,60}"


def _page_url(order_id: str, done: str, anchor: str) -> str:
    return f"/console/orders/{quote(order_id)}?done={quote(done)}#{anchor}"


@router.post(ORDER_PATH + "/emails/{notification_id}/resend")
async def resend(request: Request, staff: Staff, order_id: str, notification_id: str) -> Response:
    require(staff, "orders:write", LocationAccess.UNRESTRICTED)
    form = await request.form()
    principal = staff.principal

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        visibility.require_order(uow, principal, order_id)
        original = notifications.get(uow, notification_id[:100])
        if original["order_id"] != order_id:
            raise not_found("notification", notification_id)
        return NotificationRead.of(notifications.resend(uow, original["id"])).model_dump(
            mode="json"
        )

    try:
        sent = await form_tokens.once(
            request, staff, form_tokens.token_of(form), {"notification": notification_id}, use_case
        )
    except SwitchyardError as exc:
        errors = {"resend": FormErrors.of(exc)}
        return await show(request, staff, order_id, errors=errors, status=exc.status)
    what = str(sent["trigger"]).replace("_", " ")
    done = f"The {what} email was queued again for {sent['recipient'] or 'the customer'}."
    return redirect(request, _page_url(order_id, done, "h-emails"))


def _opt_out(raw: Any) -> bool:
    if raw in ("true", "false"):
        return bool(raw == "true")
    raise ValidationFailed(
        "invalid_customer",
        "choose whether the customer gets non-essential emails",
        [FieldError("email_opt_out", "invalid_choice", "true or false")],
    )


def _version(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    raise ValidationFailed(
        "invalid_version",
        "the page's customer version is not a number: reload the page",
        [FieldError("version", "not_a_number", "reload the page")],
    )


@router.post(ORDER_PATH + "/customer/emails")
async def set_opt_out(request: Request, staff: Staff, order_id: str) -> Response:
    """The customer's opt-out of non-essential emails (order changed, delivered)."""
    require(staff, "customers:write")
    form = await request.form()
    principal = staff.principal
    try:
        opted_out = _opt_out(form.get("email_opt_out"))
        version = _version(form.get("customer_version"))

        def use_case(uow: UnitOfWork) -> dict[str, Any]:
            visibility.require_order(uow, principal, order_id)
            order = orders.load_order(uow, order_id)
            if order.customer_id is None:
                raise ValidationFailed(
                    "no_customer",
                    "this order has no customer record to change",
                    [FieldError("email_opt_out", "no_customer", "no customer")],
                )
            visibility.require_customer(uow, principal, order.customer_id)
            changes = {"email_opt_out": opted_out}
            return customers.update_customer(uow, order.customer_id, changes, version)

        await run(request, staff, use_case)
    except SwitchyardError as exc:
        errors = {"customer": FormErrors.of(exc)}
        return await show(request, staff, order_id, errors=errors, status=exc.status)
    done = (
        "The customer now gets only transactional emails."
        if opted_out
        else "The customer gets every email again."
    )
    return redirect(request, _page_url(order_id, done, "h-customer"))
