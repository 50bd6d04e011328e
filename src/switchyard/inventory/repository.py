"""SQL for balances and the movement ledger. Every write is a single conditional statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    and_,
    bindparam,
    func,
    insert,
    select,
    text,
    true,
    tuple_,
    update,
)

from switchyard.db import pending_writes
from switchyard.db.crud import insert_for
from switchyard.db.types import UTCDateTime
from switchyard.inventory.domain import MAX_STOCK, OPEN, Level, Pair
from switchyard.inventory.tables import reservations, stock_levels, stock_movements

S = stock_levels.c
_LEVEL = (S.on_hand, S.reserved, S.safety_stock, S.reorder_point)


def _level(row: Any) -> Level | None:
    if row is None:
        return None
    return Level(row.on_hand, row.reserved, row.safety_stock, row.reorder_point)


def _pair(sku_id: str, location_id: str) -> Any:
    return and_(S.sku_id == sku_id, S.location_id == location_id)


def _reserved_update(condition: Any, change: Any) -> Any:
    """``reserved`` changed by ``:qty`` on one balance when ``condition`` holds, built once
    with bind parameters: the hot path of every reservation skips building the statement."""
    stmt = (
        update(stock_levels)
        .where(S.sku_id == bindparam("sku"), S.location_id == bindparam("loc"), condition)
        .values(reserved=change, updated_at=bindparam("now"))
        .returning(*_LEVEL)
    )
    return pending_writes.touching(stmt, ["stock_levels"])  # the order's rows may follow


_QTY = bindparam("qty", type_=Integer)
_TRY_RESERVE = _reserved_update(S.on_hand - S.reserved - S.safety_stock >= _QTY, S.reserved + _QTY)
_FORCE_RESERVE = _reserved_update(S.on_hand - S.reserved >= _QTY, S.reserved + _QTY)
_UNRESERVE = _reserved_update(true(), S.reserved - _QTY)


@cache
def _reserve_in_turn(count: int) -> Any:
    """PostgreSQL: ``count`` conditional reservations chained so each runs (and locks its
    row) only after the one before it reserved; the levels of those that did."""
    parts = []
    for i in range(count):
        gate = f" AND EXISTS (SELECT 1 FROM u{i - 1})" if i else ""
        parts.append(
            f"u{i} AS (UPDATE stock_levels SET reserved = reserved + :q{i}, "
            f"updated_at = :now WHERE sku_id = :s{i} AND location_id = :l{i} "
            f"AND on_hand - reserved - safety_stock >= :q{i}{gate} "
            f"RETURNING {i} AS i, on_hand, reserved, safety_stock, reorder_point)"
        )
    union = " UNION ALL ".join(f"SELECT * FROM u{i}" for i in range(count))
    stmt = text("WITH " + ", ".join(parts) + " " + union)
    types = {f"q{i}": Integer() for i in range(count)}
    stmt = stmt.bindparams(*(bindparam(k, type_=t) for k, t in types.items()))
    stmt = stmt.bindparams(bindparam("now", type_=UTCDateTime()))
    # Balances are never inserted with an order: the inserts waiting may follow (the order's
    # rows and outbox then go in one statement after it, and the row stays locked no longer).
    return pending_writes.touching(stmt, ["stock_levels"])


class StockRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def try_reserve(
        self, sku_id: str, location_id: str, quantity: int, now: datetime
    ) -> Level | None:
        """Reserve only if that many units are available: None when they are not.

        One statement: the row lock and the check are the same step, so concurrent
        reservations queue on the row and each re-checks the committed balance.
        """
        return self._move_reserved(_TRY_RESERVE, sku_id, location_id, quantity, now)

    def try_reserve_in_turn(
        self, wanted: Sequence[tuple[Pair, int]], now: datetime
    ) -> list[Level | None]:
        """``try_reserve`` of each (balance, units) in the order given, stopping at the first
        balance without the units: its levels after, None from that one on.

        On PostgreSQL one statement whose updates run in turn, each only if the one before
        it reserved (so the rows are locked in the order given, as the caller sorted them);
        elsewhere a statement per balance.
        """
        if self.conn.dialect.name != "postgresql" or len(wanted) < 2:
            found: list[Level | None] = []
            for (sku_id, location_id), quantity in wanted:
                found.append(self.try_reserve(sku_id, location_id, quantity, now))
                if found[-1] is None:
                    break
            return found + [None] * (len(wanted) - len(found))
        params: dict[str, Any] = {"now": now}
        for i, ((sku_id, location_id), quantity) in enumerate(wanted):
            params |= {f"s{i}": sku_id, f"l{i}": location_id, f"q{i}": quantity}
        rows = self.conn.execute(_reserve_in_turn(len(wanted)), params).all()
        levels: list[Level | None] = [None] * len(wanted)
        for row in rows:
            levels[row.i] = _level(row)
        return levels

    def unreserve(self, sku_id: str, location_id: str, quantity: int, now: datetime) -> Level:
        level = self._move_reserved(_UNRESERVE, sku_id, location_id, quantity, now)
        assert level is not None, "unreserve on a balance that does not exist"
        return level

    def force_reserve(self, sku_id: str, location_id: str, quantity: int, now: datetime) -> Level:
        """Reserve regardless of safety stock (used when stock meets promised preorders)."""
        level = self._move_reserved(_FORCE_RESERVE, sku_id, location_id, quantity, now)
        assert level is not None, "force_reserve beyond on_hand"
        return level

    def _move_reserved(
        self, stmt: Any, sku_id: str, location_id: str, quantity: int, now: datetime
    ) -> Level | None:
        params = {"sku": sku_id, "loc": location_id, "qty": quantity, "now": now}
        return _level(self.conn.execute(stmt, params).first())

    def add_on_hand(self, sku_id: str, location_id: str, delta: int, now: datetime) -> Level | None:
        """Add ``delta`` (>= 0) to on_hand, creating the balance when it is the first;
        None (nothing changed) when on_hand would pass ``MAX_STOCK``."""
        dialect_insert = insert_for(self.conn)
        ins = dialect_insert(stock_levels).values(
            sku_id=sku_id,
            location_id=location_id,
            on_hand=delta,
            reserved=0,
            safety_stock=0,
            updated_at=now,
        )
        stmt = ins.on_conflict_do_update(
            index_elements=[S.sku_id, S.location_id],
            set_={"on_hand": S.on_hand + ins.excluded.on_hand, "updated_at": now},
            where=S.on_hand.cast(BigInteger) + delta <= MAX_STOCK,
        ).returning(*_LEVEL)
        return _level(self.conn.execute(stmt).first())

    def lock(self, sku_id: str, location_id: str) -> Level | None:
        stmt = select(*_LEVEL).where(_pair(sku_id, location_id)).with_for_update()
        return _level(self.conn.execute(stmt).first())

    def shift(
        self, sku_id: str, location_id: str, on_hand: int, reserved: int, now: datetime
    ) -> Level:
        """Change on_hand and reserved by these signed amounts (the caller checked them)."""
        stmt = (
            update(stock_levels)
            .where(_pair(sku_id, location_id))
            .values(on_hand=S.on_hand + on_hand, reserved=S.reserved + reserved, updated_at=now)
            .returning(*_LEVEL)
        )
        level = _level(self.conn.execute(stmt).first())
        assert level is not None, "shift on a balance that does not exist"
        return level

    def set_settings(
        self, sku_id: str, location_id: str, values: dict[str, Any], now: datetime
    ) -> Level:
        self.add_on_hand(sku_id, location_id, 0, now)
        stmt = (
            update(stock_levels)
            .where(_pair(sku_id, location_id))
            .values(**values, updated_at=now)
            .returning(*_LEVEL)
        )
        level = _level(self.conn.execute(stmt).first())
        assert level is not None
        return level

    def levels(
        self, sku_ids: Sequence[str], location_ids: Sequence[str] | None, now: datetime
    ) -> list[dict[str, Any]]:
        """Balances with ``expired``: units of open reservations past their expiry."""
        expired = (
            select(
                reservations.c.sku_id,
                reservations.c.location_id,
                func.sum(reservations.c.quantity).label("expired"),
            )
            .where(
                reservations.c.sku_id.in_(sku_ids),
                reservations.c.status == OPEN,
                reservations.c.expires_at <= now,
            )
            .group_by(reservations.c.sku_id, reservations.c.location_id)
            .subquery()
        )
        query = (
            select(stock_levels, func.coalesce(expired.c.expired, 0).label("expired"))
            .outerjoin(
                expired,
                and_(expired.c.sku_id == S.sku_id, expired.c.location_id == S.location_id),
            )
            .where(S.sku_id.in_(sku_ids))
        )
        if location_ids is not None:
            query = query.where(S.location_id.in_(location_ids))
        rows = self.conn.execute(query.order_by(S.sku_id, S.location_id)).mappings()
        return [dict(r) for r in rows]

    def get(self, pair: Pair) -> dict[str, Any] | None:
        row = self.conn.execute(select(stock_levels).where(_pair(*pair))).mappings().first()
        return dict(row) if row else None

    def page(
        self,
        *,
        sku_id: str | None,
        location_id: str | None,
        after: Pair | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        query = select(stock_levels)
        if sku_id:
            query = query.where(S.sku_id == sku_id)
        if location_id:
            query = query.where(S.location_id == location_id)
        if after:
            query = query.where(tuple_(S.sku_id, S.location_id) > tuple_(*after))
        query = query.order_by(S.sku_id, S.location_id).limit(limit + 1)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def add_movements(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(stock_movements), rows)

    def movements_page(
        self, *, sku_id: str | None, location_id: str | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        m = stock_movements.c
        query = select(stock_movements)
        if sku_id:
            query = query.where(m.sku_id == sku_id)
        if location_id:
            query = query.where(m.location_id == location_id)
        if after_id:
            query = query.where(m.id > after_id)
        query = query.order_by(m.id).limit(limit + 1)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def movements_since(
        self, location_id: str, since: datetime, sku_ids: list[str]
    ) -> dict[str, int]:
        """Net on_hand change per SKU at a location recorded after ``since``."""
        m = stock_movements.c
        query = (
            select(m.sku_id, func.sum(m.quantity))
            .where(m.location_id == location_id, m.occurred_at > since)
            .group_by(m.sku_id)
        )
        if len(sku_ids) <= 1000:
            query = query.where(m.sku_id.in_(sku_ids))
        return {r[0]: int(r[1]) for r in self.conn.execute(query)}

    def lock_location(self, location_id: str) -> dict[str, Level]:
        """Lock every balance of a location (in SKU order) for a snapshot."""
        stmt = (
            select(S.sku_id, *_LEVEL)
            .where(S.location_id == location_id)
            .order_by(S.sku_id)
            .with_for_update()
        )
        return {
            r.sku_id: Level(r.on_hand, r.reserved, r.safety_stock, r.reorder_point)
            for r in self.conn.execute(stmt)
        }

    def insert_levels(self, rows: list[dict[str, Any]]) -> None:
        """New balances in one executemany (rows: sku_id, location_id, on_hand, updated_at)."""
        if rows:
            full = [{"reserved": 0, "safety_stock": 0, **r} for r in rows]
            self.conn.execute(insert(stock_levels), full)

    def set_on_hand_many(self, location_id: str, values: dict[str, int], now: datetime) -> None:
        """Overwrite on_hand for many SKUs of one (locked) location in one executemany."""
        if not values:
            return
        stmt = (
            update(stock_levels)
            .where(S.location_id == bindparam("b_location"), S.sku_id == bindparam("b_sku"))
            .values(on_hand=bindparam("b_on_hand"), updated_at=bindparam("b_now"))
        )
        self.conn.execute(
            stmt,
            [
                {"b_location": location_id, "b_sku": sku, "b_on_hand": q, "b_now": now}
                for sku, q in values.items()
            ],
        )
