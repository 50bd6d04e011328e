"""One order line's quantities, the rules that change them, and its derived status.

Every change ends with ``OrderLine.check``, which asserts::

    quantity = unallocated + allocated + backordered + cancelled   (each >= 0)
    returned <= shipped,  delivered <= shipped <= allocated
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from switchyard.kernel.errors import Conflict
from switchyard.kernel.money import quantize


class LineStatus:
    PLACED = "placed"
    BACKORDERED = "backordered"
    PARTIALLY_ALLOCATED = "partially_allocated"
    ALLOCATED = "allocated"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class InvariantViolated(AssertionError):
    """A line's quantities stopped adding up: a bug, never a client's fault."""


@dataclass(slots=True)
class OrderLine:
    id: str
    line_no: int
    sku_id: str
    sku: str
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal(0)
    qty_allocated: int = 0
    qty_backordered: int = 0
    qty_shipped: int = 0
    qty_delivered: int = 0
    qty_cancelled: int = 0
    qty_returned: int = 0

    @property
    def open_quantity(self) -> int:
        """Ordered and not cancelled."""
        return self.quantity - self.qty_cancelled

    @property
    def unshipped(self) -> int:
        return self.open_quantity - self.qty_shipped

    @property
    def unallocated(self) -> int:
        return self.open_quantity - self.qty_allocated - self.qty_backordered

    @property
    def amount(self) -> Decimal:
        """Price of the open quantity after the line's discount (pro rata when cut)."""
        if self.open_quantity == 0:
            return Decimal(0)
        discount = quantize(self.discount * self.open_quantity / self.quantity)
        return self.unit_price * self.open_quantity - discount

    @property
    def status(self) -> str:
        open_ = self.open_quantity
        if open_ == 0:
            return LineStatus.CANCELLED
        if self.qty_returned:
            full = self.qty_returned == open_
            return LineStatus.RETURNED if full else LineStatus.PARTIALLY_RETURNED
        if self.qty_delivered == open_:
            return LineStatus.DELIVERED
        if self.qty_shipped == open_:
            return LineStatus.SHIPPED
        if self.qty_shipped > 0:
            return LineStatus.PARTIALLY_SHIPPED
        if self.qty_allocated == open_:
            return LineStatus.ALLOCATED
        if self.qty_backordered > 0:
            return LineStatus.BACKORDERED
        if self.qty_allocated > 0:
            return LineStatus.PARTIALLY_ALLOCATED
        return LineStatus.PLACED

    def check(self) -> None:
        if not (
            min(self.unallocated, self.qty_backordered, self.qty_cancelled) >= 0
            and 0 <= self.qty_delivered <= self.qty_shipped <= self.qty_allocated  # allocated >= 0
            and 0 <= self.qty_returned <= self.qty_shipped
        ):
            raise InvariantViolated(f"line {self.id} quantities do not add up: {self.snapshot()}")

    def _refuse(self, code: str, message: str) -> Conflict:
        return Conflict(code, f"line {self.line_no}: {message}", extra={"line_id": self.id})

    def allocate(self, quantity: int) -> None:
        """Stock was reserved for ``quantity`` unallocated units."""
        if quantity <= 0 or quantity > self.unallocated:
            raise self._refuse("over_allocation", f"cannot allocate {quantity} more")
        self.qty_allocated += quantity
        self.check()

    def backorder(self, quantity: int) -> None:
        """``quantity`` unallocated units wait for stock (backorder or preorder)."""
        if quantity <= 0 or quantity > self.unallocated:
            raise self._refuse("over_backorder", f"cannot backorder {quantity} more")
        self.qty_backordered += quantity
        self.check()

    def allocate_backordered(self, quantity: int) -> None:
        """Stock arrived for ``quantity`` waiting units."""
        if quantity <= 0 or quantity > self.qty_backordered:
            raise self._refuse("over_allocation", f"only {self.qty_backordered} are waiting")
        self.qty_backordered -= quantity
        self.qty_allocated += quantity
        self.check()

    def short(self, quantity: int) -> None:
        """Reserved units turned out not to be there: they wait for stock again."""
        if quantity <= 0 or quantity > self.qty_allocated - self.qty_shipped:
            raise self._refuse("over_short", f"cannot take back {quantity} reserved units")
        self.qty_allocated -= quantity
        self.qty_backordered += quantity
        self.check()

    def ship(self, quantity: int) -> None:
        if quantity <= 0 or self.qty_shipped + quantity > self.qty_allocated:
            raise self._refuse("over_shipment", f"{quantity} more would ship more than allocated")
        self.qty_shipped += quantity
        self.check()

    def deliver(self, quantity: int) -> None:
        if quantity <= 0 or self.qty_delivered + quantity > self.qty_shipped:
            raise self._refuse("over_delivery", "more delivered than shipped")
        self.qty_delivered += quantity
        self.check()

    def not_collected(self, quantity: int) -> None:
        """Shipped to the pickup store, never collected: the customer will not get them."""
        if quantity <= 0 or quantity > self.qty_shipped - self.qty_delivered:
            raise self._refuse("over_cancellation", f"{quantity} were not waiting at the store")
        self.qty_shipped -= quantity
        self.qty_allocated -= quantity
        self.qty_cancelled += quantity
        self.check()

    def return_(self, quantity: int) -> None:
        if quantity <= 0 or self.qty_returned + quantity > self.qty_shipped:
            raise self._refuse("over_return", "more returned than shipped")
        self.qty_returned += quantity
        self.check()

    def unreserve_unshipped(self) -> None:
        """Everything not shipped becomes unallocated (its reservations were released)."""
        self.qty_allocated = self.qty_shipped
        self.qty_backordered = 0
        self.check()

    def set_open_quantity(self, wanted: int) -> None:
        """Change what the customer wants (not counting cancelled units) to ``wanted``.

        Less cancels unallocated units (release reservations first); more orders more.
        """
        if wanted < self.qty_shipped:
            raise self._refuse(
                "line_already_shipped", f"{self.qty_shipped} already shipped: cannot go below"
            )
        change = wanted - self.open_quantity
        if change < 0 and -change > self.unallocated:
            raise self._refuse("line_reserved", "release the line's reservations first")
        if change < 0:
            self.qty_cancelled -= change
        else:
            self.quantity += change
        self.check()

    def cancel_unshipped(self) -> int:
        """Cancel what has not shipped; returns the quantity cancelled."""
        quantity = self.unshipped
        self.qty_cancelled += quantity
        self.qty_allocated = self.qty_shipped
        self.qty_backordered = 0
        self.check()
        return quantity

    def snapshot(self) -> dict[str, int]:
        return {
            "ordered": self.quantity,
            "unallocated": self.unallocated,
            "allocated": self.qty_allocated,
            "backordered": self.qty_backordered,
            "shipped": self.qty_shipped,
            "delivered": self.qty_delivered,
            "cancelled": self.qty_cancelled,
            "returned": self.qty_returned,
        }
