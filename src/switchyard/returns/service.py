"""Return use cases: request, authorise, label, receive, inspect, close (they never commit).

Lock order: the order row first, then the return (as payments do), so two clerks
receiving one return queue on the order and the second finds it received.
"""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.carriers.tracking_numbers import generate
from switchyard.channels.return_policy import ReturnPolicy, return_policy
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import nonsellable
from switchyard.inventory import service as inventory
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, check_version, not_found
from switchyard.kernel.ids import new_id
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.returns import domain as d
from switchyard.returns.repository import ReturnRepository

LABEL_CARRIER = "RETURNS"
LABEL_PATTERN = "RT##########!"


@dataclass(frozen=True, slots=True)
class RequestCommand:
    lines: list[d.Asked]
    source: str = "staff"
    kind: str = "return"
    note: str | None = None
    location_id: str | None = None  # where it will be received (a store counter)


def policy_for(uow: UnitOfWork, channel_id: str) -> ReturnPolicy:
    return return_policy(uow.repo(ReturnRepository).channel_settings(channel_id))


def returnable_lines(uow: UnitOfWork, order: Order) -> list[d.Returnable]:
    asked = uow.repo(ReturnRepository).requested_per_line(order.id)
    return [
        d.Returnable(ln.id, ln.sku_id, ln.sku, ln.qty_delivered, asked.get(ln.id, 0))
        for ln in order.lines
    ]


def request_return(uow: UnitOfWork, order_id: str, cmd: RequestCommand) -> d.Return:
    """A return asked for by the customer, staff or a store; authorised at once unless the
    channel's policy wants approval. 422 when the policy or the order refuses it."""
    if cmd.kind not in d.KINDS or cmd.source not in d.SOURCES:
        raise ValidationFailed(
            "invalid_return", "unknown kind or source", [FieldError("kind", "invalid_choice", "")]
        )
    order = uow.repo(OrderRepository).require(order_id, lock=True)
    repo = uow.repo(ReturnRepository)
    policy = policy_for(uow, order.channel_id)
    now = utcnow()
    claim = cmd.kind == "claim"
    lines = returnable_lines(uow, order)
    if claim:  # missing or damaged in transit: what shipped counts, delivered or not
        shipped = {ln.id: ln.qty_shipped for ln in order.lines}
        lines = [
            d.Returnable(x.order_line_id, x.sku_id, x.sku, shipped[x.order_line_id], x.requested)
            for x in lines
        ]
    delivered_at = repo.last_delivery(order.id) or (now if claim else None)
    matched = d.check_request(policy, delivered_at, now, lines, cmd.lines, claim=claim)
    reasons = {a.reason for _, a in matched}
    payer = (
        "customer" if all(policy.shipping_payer(r) == "customer" for r in reasons) else ("merchant")
    )
    ret = d.Return(
        id=new_id("ret"),
        order_id=order.id,
        channel_id=order.channel_id,
        kind=cmd.kind,
        source=cmd.source,
        status=d.REQUESTED,
        shipping_paid_by=payer,
        created_at=now,
        updated_at=now,
        lines=[
            d.ReturnLine(new_id("rtl"), x.order_line_id, x.sku_id, x.sku, a.quantity, a.reason)
            for x, a in matched
        ],
        location_id=cmd.location_id,
        note=cmd.note,
    )
    uow.emit(ret.event("return.requested", {"source": cmd.source}))
    if not policy.approval_required or cmd.source == "store" or claim:
        ret.move("authorise", now)
        uow.emit(ret.event("return.authorised", {"from": d.REQUESTED}))
    repo.add(ret)
    return ret


def get_return(uow: UnitOfWork, return_id: str) -> d.Return:
    ret = uow.repo(ReturnRepository).get(return_id)
    if ret is None:
        raise not_found("return", return_id)
    return ret


def locked(uow: UnitOfWork, return_id: str) -> tuple[Order, d.Return]:
    """The order and the return, both locked (in that order)."""
    order = uow.repo(OrderRepository).require(get_return(uow, return_id).order_id, lock=True)
    ret = uow.repo(ReturnRepository).get(return_id, lock=True)
    assert ret is not None  # returns are never deleted
    return order, ret


def transition(
    uow: UnitOfWork,
    return_id: str,
    action: str,
    *,
    expected_version: int | None = None,
    note: str | None = None,
) -> d.Return:
    """authorise, reject, cancel, in_transit or close."""
    _, ret = locked(uow, return_id)
    check_version("return", expected_version, ret.version)
    before = ret.move(action, utcnow())
    if note:
        ret.note = note[:2000]
    uow.repo(ReturnRepository).save(ret)
    uow.emit(ret.event(d.EVENTS[action], {"from": before}))
    return ret


def issue_label(uow: UnitOfWork, return_id: str) -> d.Return:
    """A return label with a tracking number (the PDF: ``returns.label``); asking again
    gives the same number."""
    _, ret = locked(uow, return_id)
    before = ret.move("issue_label", utcnow())
    if ret.tracking_number is None:
        ret.carrier, ret.tracking_number = LABEL_CARRIER, generate(LABEL_PATTERN)
    uow.repo(ReturnRepository).save(ret)
    if before != d.LABEL_ISSUED:
        uow.emit(
            ret.event(
                "return.label_issued",
                {"from": before, "carrier": ret.carrier, "tracking_number": ret.tracking_number},
            )
        )
    return ret


def receive(
    uow: UnitOfWork,
    return_id: str,
    location_id: str,
    received: dict[str, int] | None = None,
    note: str | None = None,
) -> d.Return:
    """The parcel (or the customer at the counter) arrived at ``location_id``: the lines'
    received units are counted as returned on the order. Exactly once: a second receipt
    of the same return is 409 ``return_not_receivable``."""
    order, ret = locked(uow, return_id)
    now = utcnow()
    before = ret.move("receive", now)
    counts = d.check_receipt(ret, received)
    status_before = order.status
    for ln in ret.lines:
        ln.received = counts.get(ln.id, 0)
        if ln.received:
            order.line(ln.order_line_id).return_(ln.received)
    ret.location_id, ret.received_at = location_id, now
    if note:
        ret.note = note[:2000]
    uow.repo(ReturnRepository).save(ret)
    uow.repo(OrderRepository).save(order)
    uow.emit(ret.event("return.received", {"from": before, "location_id": location_id}))
    if order.status != status_before:
        uow.emit(order.status_changed(status_before, "return.received"))
    return ret


def inspect(uow: UnitOfWork, return_id: str, decisions: list[d.Disposition]) -> d.Return:
    """Each received unit's disposition: ``restock`` back on hand (sellable) at the
    receiving location, ``damaged`` or ``return_to_vendor`` to non-sellable stock there,
    ``destroy`` gone."""
    _, ret = locked(uow, return_id)
    before = ret.move("inspect", utcnow())
    d.apply_inspection(ret, decisions)
    location = ret.location_id
    assert location is not None  # set by receive
    for ln in ret.lines:
        if ln.restocked:
            inventory.receive(uow, ln.sku_id, location, ln.restocked, ret.id, kind="return")
        if ln.damaged:
            nonsellable.put(
                uow, ln.sku_id, location, nonsellable.DAMAGED, ln.damaged,
                reason=f"returned damaged ({ln.reason})", reference=ret.id,
            )  # fmt: skip
        if ln.return_to_vendor:
            nonsellable.put(
                uow, ln.sku_id, location, nonsellable.RETURN_TO_VENDOR, ln.return_to_vendor,
                reason="returned, for the vendor", reference=ret.id,
            )  # fmt: skip
    uow.repo(ReturnRepository).save(ret)
    uow.emit(ret.event("return.inspected", {"from": before, "location_id": location}))
    return ret


def page(
    uow: UnitOfWork,
    *,
    status: str | None,
    order_id: str | None,
    before_id: str | None,
    limit: int,
    location_ids: list[str] | None = None,
) -> list[d.Return]:
    return uow.repo(ReturnRepository).page(
        status=status,
        order_id=order_id,
        before_id=before_id,
        limit=limit,
        location_ids=location_ids,
    )
