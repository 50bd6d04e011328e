"""Use cases of the import pipeline; each runs in one transaction (``db.run``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from switchyard.db.uow import UnitOfWork
from switchyard.integrations.domain import (
    CHUNK_SIZE,
    ORDER_PLACED,
    ORDER_REJECTED,
    PARSED,
    RECEIVED,
    MappedOrder,
)
from switchyard.integrations.repository import IntegrationRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed, not_found
from switchyard.kernel.ids import new_id
from switchyard.orders.schemas import OrderCreate
from switchyard.orders.service import channel_by_ref
from switchyard.placement.place import place_order


def _repo(uow: UnitOfWork) -> IntegrationRepository:
    return uow.repo(IntegrationRepository)


def create_partner(uow: UnitOfWork, body: dict[str, Any]) -> dict[str, Any]:
    repo = _repo(uow)
    if repo.partner(body["code"]) is not None:
        raise Conflict("partner_exists", f"partner '{body['code']}' exists")
    channel_by_ref(uow, body["channel"])  # must exist
    row = {"id": new_id("prt"), "created_at": utcnow(), **body}
    repo.insert_partner(row)
    return row


def partners(uow: UnitOfWork) -> list[dict[str, Any]]:
    return _repo(uow).partners()


def partner(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    found = _repo(uow).partner(ref)
    if found is None:
        raise not_found("partner", ref)
    return found


def partner_by_sender(uow: UnitOfWork, format_: str, sender: str) -> dict[str, Any] | None:
    return _repo(uow).partner_by_sender(format_, sender)


def find_duplicate(uow: UnitOfWork, format_: str, checksum: str) -> dict[str, Any] | None:
    return _repo(uow).message_by_checksum(format_, checksum)


def receive(
    uow: UnitOfWork,
    *,
    source: str,
    format_: str,
    checksum: str,
    size: int,
    open_raw: Callable[[], IO[bytes]],
    filename: str | None = None,
    partner_ref: str | None = None,
    channel: str | None = None,
    atomic: bool = False,
) -> dict[str, Any]:
    """Store the message as it arrived (its bytes in 1 MiB chunks), status received."""
    repo = _repo(uow)
    partner_id = partner(uow, partner_ref)["id"] if partner_ref else None
    if channel is not None:
        channel_by_ref(uow, channel)
    now = utcnow()
    message_id = new_id("imp")
    row: dict[str, Any] = {
        "id": message_id,
        "source": source,
        "format": format_,
        "partner_id": partner_id,
        "channel": channel,
        "filename": filename[:300] if filename else None,
        "checksum": checksum,
        "size": size,
        "atomic": atomic,
        "status": RECEIVED,
        "errors": [],
        "counts": {},
        "acknowledgement": None,
        "received_at": now,
        "updated_at": now,
        "processed_at": None,
    }
    repo.insert_message(row)
    with open_raw() as raw:
        seq = 0
        while chunk := raw.read(CHUNK_SIZE):
            repo.insert_chunk(message_id, seq, chunk)
            seq += 1
    return row


def message(uow: UnitOfWork, message_id: str) -> dict[str, Any]:
    found = _repo(uow).message(message_id)
    if found is None:
        raise not_found("import", message_id)
    return found


def view(uow: UnitOfWork, message_id: str) -> dict[str, Any]:
    found = message(uow, message_id)
    found["orders"] = _repo(uow).results(message_id)
    return found


def messages(
    uow: UnitOfWork, limit: int, before: str | None, status: str | None
) -> list[dict[str, Any]]:
    return _repo(uow).messages(limit, before, status)


def chunk(uow: UnitOfWork, message_id: str, seq: int) -> bytes | None:
    return _repo(uow).chunk(message_id, seq)


def mark_parsed(
    uow: UnitOfWork,
    message_id: str,
    *,
    partner_id: str | None,
    channel: str | None,
    acknowledgement: str | None,
    problems: list[dict[str, str]],
) -> dict[str, Any]:
    """Parsed: the partner and channel known, the acknowledgement kept; the results of
    earlier rejected orders forgotten (they are tried again), settled ones kept."""
    repo = _repo(uow)
    repo.forget_rejections(message_id)
    repo.update_message(
        message_id,
        status=PARSED,
        partner_id=partner_id,
        channel=channel,
        acknowledgement=acknowledgement,
        errors=problems,
        updated_at=utcnow(),
    )
    return {"settled": repo.settled_seqs(message_id)}


def record_rejection(
    uow: UnitOfWork, message_id: str, order: MappedOrder, errors: list[FieldError]
) -> None:
    _repo(uow).insert_result(
        {
            "id": new_id("imo"),
            "message_id": message_id,
            "seq": order.seq,
            "external_id": (order.external_id or None) and order.external_id[:100],
            "position": order.position[:200],
            "status": ORDER_REJECTED,
            "order_id": None,
            "errors": [e.as_dict() for e in errors],
            "created_at": utcnow(),
        }
    )


def place_one(
    uow: UnitOfWork,
    message_id: str,
    order: MappedOrder,
    cmd: OrderCreate,
    *,
    at_commit: bool = True,
) -> str:
    """Place the order and record it as the message's, in the same transaction."""
    placed = place_order(uow, cmd, at_commit=at_commit)
    record_outcome(uow, message_id, order, ORDER_PLACED, placed.id)
    return placed.id


def record_outcome(
    uow: UnitOfWork, message_id: str, order: MappedOrder, status: str, order_id: str | None
) -> None:
    _repo(uow).insert_result(
        {
            "id": new_id("imo"),
            "message_id": message_id,
            "seq": order.seq,
            "external_id": order.external_id[:100] if order.external_id else None,
            "position": order.position[:200],
            "status": status,
            "order_id": order_id,
            "errors": [],
            "created_at": utcnow(),
        }
    )


def finish(
    uow: UnitOfWork, message_id: str, status: str, problems: list[dict[str, str]], orders: int
) -> dict[str, Any]:
    repo = _repo(uow)
    counts = repo.count_results(message_id)
    counts["orders"] = orders
    now = utcnow()
    repo.update_message(
        message_id, status=status, errors=problems, counts=counts, updated_at=now, processed_at=now
    )
    return counts


def counts(uow: UnitOfWork, message_id: str) -> dict[str, int]:
    return _repo(uow).count_results(message_id)


def require_format(format_: str, formats: tuple[str, ...]) -> None:
    if format_ not in formats:
        raise ValidationFailed(
            "unknown_format",
            f"format '{format_}' is not one of {', '.join(formats)}",
            [FieldError("path.format", "unknown_format", f"one of {', '.join(formats)}")],
        )


def iter_chunks(read: Callable[[int], bytes | None]) -> Iterator[bytes]:
    seq = 0
    while (data := read(seq)) is not None:
        yield data
        seq += 1


def partner_by_code(uow: UnitOfWork, code: str, format_: str) -> dict[str, Any] | None:
    found = _repo(uow).partner(code)
    return found if found is not None and found["format"] == format_ else None
