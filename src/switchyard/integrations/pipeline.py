"""The import pipeline over transactions: store the message raw (one transaction), parse
and map it, place each order in its own transaction (``--atomic``: all in one), and
record the outcome. Used by the API and the CLI alike."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from pydantic import ValidationError

from switchyard.db.uow import Database, UnitOfWork
from switchyard.integrations import csv_format, edifact, service, shopify, x12
from switchyard.integrations.domain import (
    CHUNK_SIZE,
    FORMATS,
    ORDER_DUPLICATE,
    MappedOrder,
    Parsed,
    error,
    final_status,
)
from switchyard.kernel.errors import FieldError, SwitchyardError
from switchyard.kernel.events import Actor
from switchyard.orders.schemas import OrderCreate

PARSERS: dict[str, Callable[[bytes, dict[str, Any] | None], Parsed]] = {
    "x12": x12.parse,
    "edifact": edifact.parse,
    "shopify": shopify.parse,
}
Progress = Callable[[int], None]


def checksum_of(open_raw: Callable[[], IO[bytes]]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open_raw() as raw:
        while chunk := raw.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class StoredBytes(io.RawIOBase):
    """The stored message read back chunk by chunk, each in a short read transaction."""

    def __init__(self, db: Database, actor: Actor, message_id: str) -> None:
        self._chunks: Iterator[bytes] = service.iter_chunks(
            lambda seq: db.run(
                actor, lambda uow: service.chunk(uow, message_id, seq), read_only=True
            )
        )
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def import_message(
    db: Database,
    actor: Actor,
    *,
    format_: str,
    source: str,
    open_raw: Callable[[], IO[bytes]],
    filename: str | None = None,
    partner: str | None = None,
    channel: str | None = None,
    atomic: bool = False,
    on_order: Progress | None = None,
) -> dict[str, Any]:
    """The message's view; ``duplicate`` True when the same bytes came before (then
    nothing is placed again)."""
    service.require_format(format_, FORMATS)
    checksum, size = checksum_of(open_raw)
    seen = db.run(actor, lambda uow: service.find_duplicate(uow, format_, checksum), read_only=True)
    if seen is not None:
        return {
            **db.run(actor, lambda uow: service.view(uow, seen["id"]), read_only=True),
            "duplicate": True,
        }
    message = db.run(
        actor,
        lambda uow: service.receive(
            uow,
            source=source,
            format_=format_,
            checksum=checksum,
            size=size,
            open_raw=open_raw,
            filename=filename,
            partner_ref=partner,
            channel=channel,
            atomic=atomic,
        ),
    )
    return {**process(db, actor, message["id"], on_order=on_order), "duplicate": False}


def _problems(
    errors: list[FieldError], warnings: list[FieldError] | None = None
) -> list[dict[str, str]]:
    out = [{**e.as_dict(), "severity": "error"} for e in errors]
    out += [{**w.as_dict(), "severity": "warning"} for w in warnings or []]
    return out


def process(
    db: Database, actor: Actor, message_id: str, *, on_order: Progress | None = None
) -> dict[str, Any]:
    """Parse, map and place a stored message; run again after a mapping fix (reprocess):
    orders already placed stay, rejected ones are tried again."""
    msg = db.run(actor, lambda uow: service.message(uow, message_id), read_only=True)
    partner = (
        db.run(actor, lambda uow: service.partner(uow, msg["partner_id"]), read_only=True)
        if msg["partner_id"]
        else None
    )
    raw = io.BufferedReader(StoredBytes(db, actor, message_id), CHUNK_SIZE)
    orders: Iterator[MappedOrder | Parsed]
    ack = None
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    if msg["format"] == "csv":
        orders = csv_format.read_orders(raw)
    else:
        parsed = PARSERS[msg["format"]](raw.read(), (partner or {}).get("settings"))
        if partner is None and parsed.sender:
            partner = db.run(
                actor,
                lambda uow: service.partner_by_sender(uow, msg["format"], str(parsed.sender)),
                read_only=True,
            )
            if partner is not None:  # parse again with its settings (cross-reference)
                raw = io.BufferedReader(StoredBytes(db, actor, message_id), CHUNK_SIZE)
                parsed = PARSERS[msg["format"]](raw.read(), partner["settings"])
        ack, errors, warnings = parsed.acknowledgement, parsed.errors, parsed.warnings
        orders = iter(parsed.orders)
    channel = msg["channel"] or (partner or {}).get("channel")
    if channel is None and not errors:
        sender = parsed.sender if msg["format"] != "csv" else None
        why = f"sender '{sender}' is not a configured partner" if sender else "no partner given"
        errors = [error("channel", "no_channel", f"{why}: give the channel to import into")]
    partner_id = partner["id"] if partner else None
    state = db.run(
        actor,
        lambda uow: service.mark_parsed(
            uow,
            message_id,
            partner_id=partner_id,
            channel=channel,
            acknowledgement=ack,
            problems=_problems(errors, warnings),
        ),
    )
    settled: set[int] = state["settled"]
    total = 0
    if errors:
        orders = iter(())
    if msg["atomic"]:
        total, message_errors = _place_atomic(
            db, actor, message_id, orders, channel, settled, on_order
        )
        errors += message_errors
    else:
        for item in orders:
            if isinstance(item, Parsed):
                errors += item.errors
                continue
            total += 1
            if item.seq not in settled:
                _place(db, actor, message_id, item, channel)
            if on_order is not None:
                on_order(total)
    status_counts = db.run(actor, lambda uow: service.counts(uow, message_id), read_only=True)
    placed = status_counts["placed"] + status_counts["duplicate"]
    status = final_status(total, placed, status_counts["rejected"], bool(errors))
    db.run(
        actor,
        lambda uow: service.finish(uow, message_id, status, _problems(errors, warnings), total),
    )
    return db.run(actor, lambda uow: service.view(uow, message_id), read_only=True)


def command(order: MappedOrder, channel: str | None) -> tuple[OrderCreate | None, list[FieldError]]:
    """The ``OrderCreate`` for a mapped order, or its errors positioned in the message."""
    if order.errors:
        return None, list(order.errors)
    body = {**order.body}
    if channel and not body.get("channel"):
        body["channel"] = channel
    try:
        return OrderCreate.model_validate(body), []
    except ValidationError as exc:
        found = [
            FieldError(
                field=".".join(str(p) for p in e.get("loc", ())),
                code=str(e.get("type", "invalid")),
                message=f"{e.get('msg', '')}: {str(e.get('input'))[:80]!r}"
                if "input" in e
                else str(e.get("msg", "")),
            )
            for e in exc.errors()
        ]
        return None, order.positioned(found)


def _place(
    db: Database, actor: Actor, message_id: str, order: MappedOrder, channel: str | None
) -> None:
    cmd, errors = command(order, channel)
    if cmd is not None:
        try:
            db.run(actor, lambda uow: service.place_one(uow, message_id, order, cmd))
            return
        except SwitchyardError as exc:
            if exc.code == "order_exists":
                existing = exc.extra.get("order_id")
                db.run(
                    actor,
                    lambda uow: service.record_outcome(
                        uow, message_id, order, ORDER_DUPLICATE, existing
                    ),
                )
                return
            errors = order.positioned(exc.errors) or [error(order.position, exc.code, exc.detail)]
            if exc.errors:
                errors.insert(0, error(order.position, exc.code, exc.detail))
    db.run(actor, lambda uow: service.record_rejection(uow, message_id, order, errors))


def _place_atomic(
    db: Database,
    actor: Actor,
    message_id: str,
    orders: Iterator[MappedOrder | Parsed],
    channel: str | None,
    settled: set[int],
    on_order: Progress | None,
) -> tuple[int, list[FieldError]]:
    """All or nothing: every order valid and placed in one transaction, or none."""
    ready: list[tuple[MappedOrder, OrderCreate]] = []
    failed: list[tuple[MappedOrder, list[FieldError]]] = []
    message_errors: list[FieldError] = []
    total = 0
    for item in orders:
        if isinstance(item, Parsed):
            message_errors += item.errors
            continue
        total += 1
        if item.seq in settled:
            continue
        cmd, errors = command(item, channel)
        if cmd is None:
            failed.append((item, errors))
        else:
            ready.append((item, cmd))
    if not failed and not message_errors:

        def place_all(uow: UnitOfWork) -> None:
            for n, (order, cmd) in enumerate(ready, start=1):
                try:
                    service.place_one(uow, message_id, order, cmd, at_commit=False)
                except SwitchyardError as exc:
                    exc.extra["_order"] = order
                    raise
                if on_order is not None:
                    on_order(n)

        try:
            db.run(actor, place_all)
            return total, []
        except SwitchyardError as exc:
            culprit = exc.extra.pop("_order", None)
            if isinstance(culprit, MappedOrder):
                failed.append(
                    (
                        culprit,
                        [
                            error(culprit.position, exc.code, exc.detail),
                            *culprit.positioned(exc.errors),
                        ],
                    )
                )
            else:
                message_errors.append(error("message", exc.code, exc.detail))
    why = "the file is imported whole or not at all (atomic)"
    bad = {o.seq for o, _ in failed}
    rejections = failed + [
        (o, [error(o.position, "atomic", why)]) for o, _cmd in ready if o.seq not in bad
    ]

    def record(uow: UnitOfWork) -> None:
        for order, errors in rejections:
            service.record_rejection(uow, message_id, order, errors)

    db.run(actor, record)
    return total, message_errors or [
        error("message", "atomic", f"{len(failed)} order(s) failed: {why}")
    ]
