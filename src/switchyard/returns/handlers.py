"""In-transaction reactions of returns (listed in ``events.bus.HANDLER_MODULES``): the
credit note invoicing issues for a refund's payment movement is linked to the refund."""

from __future__ import annotations

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.invoicing.repository import InvoiceRepository
from switchyard.kernel.events import DomainEvent
from switchyard.returns.refunds import RefundInProgress
from switchyard.returns.repository import ReturnRepository


def on_credit_note(uow: UnitOfWork, event: DomainEvent) -> None:
    refund_id = uow.state(RefundInProgress).refund_id
    if refund_id is None:
        return
    note = uow.repo(InvoiceRepository).get(event.aggregate_id)
    if note is not None:
        uow.repo(ReturnRepository).add_credit_note(refund_id, note.id, -note.tax_total)


subscribe("credit_note.issued", on_credit_note)
