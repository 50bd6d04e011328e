"""Returns on the tracking page: what the customer may still send back, the returns asked
for (with their label), and the form's request (issue 16)."""

from __future__ import annotations

from typing import Any

from switchyard.catalog.repository import SkuRepository
from switchyard.channels.return_policy import REASONS
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.returns import domain as rd
from switchyard.returns import service as returns
from switchyard.returns.repository import ReturnRepository
from switchyard.tracking.service import TOKEN

REASON_LABELS = {
    "damaged": "Arrived damaged",
    "defective": "Does not work",
    "wrong_item": "Wrong item sent",
    "not_as_described": "Not as described",
    "too_small": "Too small",
    "too_large": "Too large",
    "changed_mind": "Changed my mind",
    "other": "Other reason",
}
STATUS_LABELS = {
    rd.REQUESTED: "Waiting for approval",
    rd.AUTHORISED: "Approved: please send it back",
    rd.LABEL_ISSUED: "Approved: please send it back",
    rd.IN_TRANSIT: "On its way back",
    rd.RECEIVED: "Received",
    rd.INSPECTED: "Checked",
    rd.CLOSED: "Done",
    rd.REJECTED: "Not accepted",
    rd.CANCELLED: "Cancelled",
}


def order_for(uow: UnitOfWork, token: str) -> Order | None:
    if not TOKEN.match(token):
        return None
    order = uow.repo(OrderRepository).by_tracking_token(token)
    return order if order is not None and order.tracking_token == token else None


def returns_view(uow: UnitOfWork, token: str) -> dict[str, Any]:
    """The page's returns part: ``returnable`` lines (with the most that may come back)
    and the ``returns`` asked for; empty until something was delivered."""
    order = order_for(uow, token)
    if order is None:
        return {"returnable": [], "returns": [], "reasons": []}
    names = {
        sku_id: row["name"]
        for sku_id, row in uow.repo(SkuRepository)
        .by_refs([ln.sku_id for ln in order.lines])
        .items()
    }
    policy = returns.policy_for(uow, order.channel_id)
    returnable = [
        {"line_id": x.order_line_id, "name": names.get(x.sku_id, x.sku), "left": x.left}
        for x in returns.returnable_lines(uow, order)
        if x.left > 0 and policy.returnable(x.sku)
    ]
    asked = [
        {
            "id": r.id,
            "status": STATUS_LABELS[r.status],
            "items": [
                {"name": names.get(ln.sku_id, ln.sku), "quantity": ln.quantity} for ln in r.lines
            ],
            "tracking_number": r.tracking_number,
        }
        for r in uow.repo(ReturnRepository).for_order(order.id)
    ]
    return {
        "returnable": returnable,
        "returns": asked,
        "reasons": [(code, REASON_LABELS[code]) for code in REASONS],
        "window_days": policy.window_days,
    }


def request_from_page(uow: UnitOfWork, token: str, form: dict[str, str]) -> rd.Return:
    """The customer's form: ``qty-<line id>`` and ``reason-<line id>`` per line."""
    order = order_for(uow, token)
    if order is None:
        raise ValidationFailed("unknown_order", "no such order", [FieldError("token", "", "")])
    asked = []
    errors = []
    for ln in order.lines:
        raw = (form.get(f"qty-{ln.id}") or "0").strip()
        if not raw.isdigit() or len(raw) > 6:
            errors.append(FieldError(f"qty-{ln.id}", "invalid_quantity", "a whole number"))
            continue
        reason = form.get(f"reason-{ln.id}") or ""
        if int(raw) > 0 and not reason:
            errors.append(FieldError(f"reason-{ln.id}", "reason_required", "choose a reason"))
        elif int(raw) > 0:
            asked.append(rd.Asked(ln.id, int(raw), reason))
    if errors:
        raise ValidationFailed(
            errors[0].code, "every item sent back needs a whole number and a reason", errors
        )
    cmd = returns.RequestCommand(lines=asked, source="customer")
    ret = returns.request_return(uow, order.id, cmd)
    if ret.status == rd.AUTHORISED:
        ret = returns.issue_label(uow, ret.id)
    return ret
