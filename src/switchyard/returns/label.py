"""The return label: the packing bench's 4x6 label (``fulfillment.documents``), from the
customer's address to the location the return goes to, with its tracking number."""

from __future__ import annotations

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.documents import LabelData, address_lines, shipping_label
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.kernel.errors import Conflict
from switchyard.locations.repository import LocationRepository
from switchyard.orders.repository import OrderRepository
from switchyard.returns.service import get_return


def destination(uow: UnitOfWork, order_id: str, location_id: str | None) -> str | None:
    """Where a mailed return goes: the location it names, else where the order shipped from."""
    if location_id:
        return location_id
    shipped = [f.location_id for f in uow.repo(FulfillmentRepository).for_order(order_id)]
    return shipped[0] if shipped else None


def label_pdf(uow: UnitOfWork, return_id: str) -> bytes:
    ret = get_return(uow, return_id)
    if ret.tracking_number is None:
        raise Conflict("no_return_label", f"return {ret.id} has no label yet: issue one first")
    order = uow.repo(OrderRepository).require(ret.order_id)
    to_id = destination(uow, order.id, ret.location_id)
    location = uow.repo(LocationRepository).get(to_id) if to_id else None
    to = address_lines((location or {}).get("address") or {}, (location or {}).get("name"))
    return shipping_label(
        LabelData(
            tracking_number=ret.tracking_number,
            carrier_name="Return",
            service="prepaid" if ret.shipping_paid_by == "merchant" else "postage due",
            package_number=1,
            package_count=1,
            weight_grams=None,
            ship_from=address_lines(order.addressed(order.shipping_address)),
            ship_to=[*to, f"RMA {ret.id}"],
            reference=f"{order.external_id} / {ret.id}",
        )
    )
