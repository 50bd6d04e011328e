"""Stock ledger properties: random sequences of stock operations against a simple model.

A hypothesis state machine runs the real use cases (receive, adjust, count, safety stock,
order reservations, cart holds, release, ship, transfers out and in) through
``Database.run`` on SQLite and PostgreSQL. Each test case gets fresh SKUs and locations,
so cases never see each other's stock. After every step, for every SKU x location:

- on_hand >= reserved >= 0, and on_hand is the sum of the balance's movements;
- on_hand, reserved and available are what the model says, and so is every order line's
  (and hold's) open and waiting quantity; ``verify`` finds no difference;

and every refused operation (a reservation beyond available, a transfer beyond the
unreserved units, a removal beyond on_hand, a shipment beyond what is reserved) is refused
exactly when the model says so, and leaves every row as it was.

Budget: ``LEDGER_BUDGET`` in ``make test``; ``HYPOTHESIS_PROFILE=nightly`` (registered in
``tests/conftest.py``) runs the profile's budget instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from switchyard.db.uow import Database, UnitOfWork
from switchyard.inventory import holds, operations, transfers
from switchyard.inventory import service as inventory
from switchyard.inventory.domain import OPEN, WAITING, available_of
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.tables import reservations, stock_levels, stock_movements
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict
from switchyard.kernel.events import Actor
from tests.helpers import ref
from tests.integration.test_inventory_fixtures import make_locations, make_skus

ACTOR = Actor.system("tests")
SKUS, LOCATIONS = 2, 2
LEDGER_BUDGET = {"max_examples": 20, "stateful_step_count": 12}  # per backend


def _budget() -> settings:
    """``make test``'s budget, or the profile HYPOTHESIS_PROFILE names (nightly: more)."""
    profile = os.environ.get("HYPOTHESIS_PROFILE")
    parent = settings.get_profile(profile) if profile else settings(**LEDGER_BUDGET)
    return settings(parent, deadline=None, suppress_health_check=list(HealthCheck), database=None)


Pair = tuple[int, int]  # (sku index, location index) in the model
quantities = st.integers(1, 8)
pairs = st.tuples(st.integers(0, SKUS - 1), st.integers(0, LOCATIONS - 1))
# one line per balance in a request, so lines of one balance never share a created_at
request_lines = st.lists(
    st.tuples(pairs, st.integers(1, 5)), min_size=1, max_size=2, unique_by=lambda x: x[0]
)


@dataclass
class Line:
    """One order line's (or one hold line's) reservation at one balance, as the model has it."""

    owner: str  # the order id, or the hold id
    line_id: str | None  # None for a hold line
    pair: Pair
    seq: int  # creation order: shortfalls take from the newest, allocation serves the oldest
    open: int
    waiting: int = 0


@dataclass
class Balance:
    on_hand: int = 0
    safety_stock: int = 0
    lines: list[Line] = field(default_factory=list)

    @property
    def reserved(self) -> int:
        return sum(line.open for line in self.lines)

    @property
    def available(self) -> int:
        return available_of(self.on_hand, self.reserved, self.safety_stock)

    def allocate(self) -> None:
        """``allocate_waiting``: waiting units take what is available, oldest first."""
        free = self.available
        for line in sorted(self.lines, key=lambda ln: ln.seq):
            take = min(free, line.waiting)
            line.waiting -= take
            line.open += take
            free -= take
            if take:
                event("backorder allocated")

    def cover(self, deficit: int) -> None:
        """``cover_shortfall``: the newest open units go back to waiting (holds: released)."""
        for line in sorted(self.lines, key=lambda ln: -ln.seq):
            take = min(deficit, line.open)
            line.open -= take
            if line.line_id is not None:
                line.waiting += take
            deficit -= take
            if take:
                event("reservation shorted")

    def change_on_hand(self, delta: int) -> None:
        """``ledger.change_on_hand`` (the caller checked on_hand + delta >= 0)."""
        before = self.available
        if self.reserved > self.on_hand + delta:
            self.cover(self.reserved - (self.on_hand + delta))
        self.on_hand += delta
        if self.available > before:
            self.allocate()


class LedgerMachine(RuleBasedStateMachine):
    database: Database  # set per backend by the test below

    def __init__(self) -> None:
        super().__init__()
        self.skus = make_skus(self.database, SKUS)
        self.locations = make_locations(self.database, LOCATIONS)
        self.model = {(s, loc): Balance() for s in range(SKUS) for loc in range(LOCATIONS)}
        self.transit: list[dict[str, Any]] = []  # {"id", "to": location index, "left": {sku: n}}
        self.seq = 0

    # -- helpers -------------------------------------------------------------------------

    def run(self, use_case: Any) -> Any:
        return self.database.run(ACTOR, use_case)

    def ids(self, pair: Pair) -> tuple[str, str]:
        return self.skus[pair[0]], self.locations[pair[1]]

    def lines(self) -> list[Line]:
        return [line for balance in self.model.values() for line in balance.lines]

    def observe(self) -> dict[str, Any]:
        """Every row of these SKUs that a stock operation may change."""

        def read(uow: UnitOfWork) -> dict[str, Any]:
            s, r, m = stock_levels.c, reservations.c, stock_movements.c
            levels = uow.conn.execute(
                select(s.sku_id, s.location_id, s.on_hand, s.reserved, s.safety_stock).where(
                    s.sku_id.in_(self.skus)
                )
            ).all()
            rows = uow.conn.execute(
                select(r.id, r.status, r.quantity, r.consumed).where(r.sku_id.in_(self.skus))
            ).all()
            moves = uow.conn.execute(
                select(func.count()).select_from(stock_movements).where(m.sku_id.in_(self.skus))
            ).scalar_one()
            return {"levels": sorted(levels), "reservations": sorted(rows), "movements": moves}

        return self.run(read)

    def refused(self, use_case: Any, code: str) -> None:
        """The use case raises Conflict(code) and changes nothing."""
        event(f"refused: {code}")
        before = self.observe()
        with pytest.raises(Conflict) as caught:
            self.run(use_case)
        assert caught.value.code == code, caught.value
        assert self.observe() == before, f"a refused operation ({code}) changed rows"

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    # -- rules ---------------------------------------------------------------------------

    @initialize(
        opening=st.lists(st.integers(0, 10), min_size=SKUS * LOCATIONS, max_size=SKUS * LOCATIONS),
        safety=st.lists(st.integers(0, 2), min_size=SKUS * LOCATIONS, max_size=SKUS * LOCATIONS),
    )
    def open_stock(self, opening: list[int], safety: list[int]) -> None:
        """Start with some stock (and safety stock), so that reservations have work to do."""
        stocked = list(zip(sorted(self.model), opening, safety, strict=True))

        def receive_all(uow: UnitOfWork) -> None:
            for pair, quantity, safety_stock in stocked:
                sku, loc = self.ids(pair)
                if quantity:
                    inventory.receive(uow, sku, loc, quantity, reference="opening")
                if safety_stock:
                    operations.set_stock_settings(uow, sku, loc, safety_stock=safety_stock)

        self.run(receive_all)
        for pair, quantity, safety_stock in stocked:
            self.model[pair].change_on_hand(quantity)
            self.model[pair].safety_stock = safety_stock

    @rule(pair=pairs, quantity=st.integers(1, 10))
    def receive(self, pair: Pair, quantity: int) -> None:
        sku, loc = self.ids(pair)
        self.run(lambda uow: inventory.receive(uow, sku, loc, quantity, reference=ref("rcv")))
        self.model[pair].change_on_hand(quantity)

    @rule(pair=pairs, quantity=st.integers(-10, 10).filter(bool))
    def adjust(self, pair: Pair, quantity: int) -> None:
        sku, loc = self.ids(pair)
        balance = self.model[pair]
        if balance.on_hand + quantity < 0:
            self.refused(
                lambda uow: operations.adjust(uow, sku, loc, quantity, "damaged"),
                "insufficient_on_hand",
            )
            return
        self.run(lambda uow: operations.adjust(uow, sku, loc, quantity, "found or damaged"))
        balance.change_on_hand(quantity)

    @rule(pair=pairs, counted=st.integers(0, 12))
    def count(self, pair: Pair, counted: int) -> None:
        sku, loc = self.ids(pair)
        balance = self.model[pair]
        _, diff = self.run(lambda uow: operations.cycle_count(uow, sku, loc, counted))
        assert diff == counted - balance.on_hand
        balance.change_on_hand(diff)

    @rule(pair=pairs, safety_stock=st.integers(0, 3))
    def set_safety_stock(self, pair: Pair, safety_stock: int) -> None:
        sku, loc = self.ids(pair)
        balance = self.model[pair]
        self.run(
            lambda uow: operations.set_stock_settings(uow, sku, loc, safety_stock=safety_stock)
        )
        before = balance.available
        balance.safety_stock = safety_stock
        if balance.available > before:
            balance.allocate()

    def _reserve(self, lines: list[tuple[Pair, int]], hold: bool) -> None:
        owner = ref("hld" if hold else "ord")
        requests = []
        for pair, quantity in lines:
            sku, loc = self.ids(pair)
            line_id = None if hold else ref("line")
            requests.append((pair, quantity, sku, loc, line_id))
        expires_at = utcnow() + timedelta(days=1)

        def use_case(uow: UnitOfWork) -> Any:
            if hold:
                found = holds.create_hold(
                    uow, [(s, loc, q) for _, q, s, loc, _ in requests], expires_at
                )
                return found["id"]
            return inventory.reserve(
                uow, [ReservationRequest(s, loc, q, owner, line) for _, q, s, loc, line in requests]
            )

        if any(self.model[pair].available < quantity for pair, quantity in lines):
            self.refused(use_case, "insufficient_stock")
            return
        result = self.run(use_case)
        if hold:
            owner = result
        seq = self.next_seq()
        for pair, quantity, _, _, line_id in requests:
            self.model[pair].lines.append(Line(owner, line_id, pair, seq, quantity))

    @rule(lines=request_lines)
    def reserve(self, lines: list[tuple[Pair, int]]) -> None:
        self._reserve(lines, hold=False)

    @rule(pair=pairs, over=st.booleans(), hold=st.booleans())
    def reserve_at_the_edge(self, pair: Pair, over: bool, hold: bool) -> None:
        """Exactly what is available (granted), or one unit more (refused)."""
        quantity = self.model[pair].available + over
        if quantity:
            self._reserve([(pair, quantity)], hold=hold)

    @rule(lines=request_lines)
    def hold(self, lines: list[tuple[Pair, int]]) -> None:
        self._reserve(lines, hold=True)

    @precondition(lambda self: any(ln.open or ln.waiting for ln in self.lines()))
    @rule(pick=st.integers(0, 1000))
    def release(self, pick: int) -> None:
        live = [ln for ln in self.lines() if ln.open or ln.waiting]
        line = live[pick % len(live)]
        if line.line_id is None:  # a hold: all its lines go
            gone = [ln for ln in self.lines() if ln.owner == line.owner]
            units = self.run(lambda uow: holds.release_hold(uow, line.owner))
        else:
            gone = [line]
            units = self.run(
                lambda uow: inventory.release_for_order(uow, line.owner, [line.line_id])
            )
        assert units == sum(ln.open + ln.waiting for ln in gone)
        freed = {ln.pair for ln in gone if ln.open}
        for ln in gone:
            ln.open = ln.waiting = 0
        for pair in sorted(freed):
            self.model[pair].allocate()

    @precondition(lambda self: any(ln.line_id and (ln.open or ln.waiting) for ln in self.lines()))
    @rule(pick=st.integers(0, 1000), quantity=quantities, beyond=st.booleans())
    def ship(self, pick: int, quantity: int, beyond: bool) -> None:
        """Ship part or all of a line's open units, or (``beyond``) more than it holds."""
        live = [ln for ln in self.lines() if ln.line_id and (ln.open or ln.waiting)]
        line = live[pick % len(live)]
        _, loc = self.ids(line.pair)
        quantity = line.open + quantity if beyond or not line.open else min(quantity, line.open)

        def use_case(uow: UnitOfWork) -> None:
            inventory.consume(uow, str(line.line_id), loc, quantity, ref("shp"))

        if quantity > line.open:
            self.refused(use_case, "not_reserved")
            return
        self.run(use_case)
        line.open -= quantity
        self.model[line.pair].on_hand -= quantity

    @rule(
        source=st.integers(0, LOCATIONS - 1),
        offset=st.integers(1, LOCATIONS - 1),
        lines=st.lists(
            st.tuples(st.integers(0, SKUS - 1), quantities),
            min_size=1,
            max_size=SKUS,
            unique_by=lambda x: x[0],
        ),
    )
    def transfer_out(self, source: int, offset: int, lines: list[tuple[int, int]]) -> None:
        target = (source + offset) % LOCATIONS
        wanted = [(self.skus[s], q) for s, q in lines]
        src, dst = self.locations[source], self.locations[target]

        def use_case(uow: UnitOfWork) -> Any:
            return transfers.create_transfer(uow, src, dst, wanted)

        free = {
            s: self.model[(s, source)].on_hand - self.model[(s, source)].reserved for s, _ in lines
        }
        if any(free[s] < q for s, q in lines):
            self.refused(use_case, "insufficient_stock")
            return
        found = self.run(use_case)
        assert found["status"] == "in_transit"
        for s, q in lines:
            self.model[(s, source)].change_on_hand(-q)
        self.transit.append({"id": found["id"], "to": target, "left": dict(lines)})

    @precondition(lambda self: self.transit)
    @rule(pick=st.integers(0, 1000), part=st.integers(0, 8))
    def transfer_in(self, pick: int, part: int) -> None:
        """Receive a transfer: all that is in transit (``part`` 0), or part of one line."""
        shipped = self.transit[pick % len(self.transit)]
        left = shipped["left"]
        if part == 0:
            arriving = dict(left)
            received = None
        else:
            s = sorted(left)[pick % len(left)]
            arriving = {s: min(part, left[s])}
            received = [(self.skus[s], arriving[s])]
        found = self.run(lambda uow: transfers.receive_transfer(uow, shipped["id"], received))
        for s, q in arriving.items():
            self.model[(s, shipped["to"])].change_on_hand(q)
            left[s] -= q
            if not left[s]:
                del left[s]
        assert (found["status"] == "received") == (not left)
        if not left:
            self.transit.remove(shipped)

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def ledger_matches_the_model(self) -> None:
        def read(uow: UnitOfWork) -> dict[str, Any]:
            s, r, m = stock_levels.c, reservations.c, stock_movements.c
            levels = {
                (row.sku_id, row.location_id): row
                for row in uow.conn.execute(select(stock_levels).where(s.sku_id.in_(self.skus)))
            }
            moved = {
                (row[0], row[1]): int(row[2])
                for row in uow.conn.execute(
                    select(m.sku_id, m.location_id, func.sum(m.quantity))
                    .where(m.sku_id.in_(self.skus))
                    .group_by(m.sku_id, m.location_id)
                )
            }
            owner = func.coalesce(r.order_id, r.hold_id)
            held = {
                (row[0], row[1], row[2], row[3]): int(row[4])
                for row in uow.conn.execute(
                    select(owner, r.sku_id, r.location_id, r.status, func.sum(r.quantity))
                    .where(r.sku_id.in_(self.skus), r.status.in_([OPEN, WAITING]))
                    .group_by(owner, r.sku_id, r.location_id, r.status)
                )
            }
            return {
                "levels": levels,
                "moved": moved,
                "held": held,
                "available": inventory.available(uow, self.skus),
                "verify": verify(uow, self.skus),
            }

        seen = self.run(read)
        assert seen["verify"] == []
        for pair, balance in self.model.items():
            key = self.ids(pair)
            row = seen["levels"].get(key)
            on_hand, reserved = (row.on_hand, row.reserved) if row else (0, 0)
            assert on_hand >= reserved >= 0, (pair, on_hand, reserved)
            assert on_hand == seen["moved"].get(key, 0), (pair, "on_hand is not its movements")
            assert (on_hand, reserved) == (balance.on_hand, balance.reserved), pair
            assert seen["available"].get(key, 0) == balance.available, pair
        expected = {}
        for line in self.lines():
            sku, loc = self.ids(line.pair)
            for status, units in ((OPEN, line.open), (WAITING, line.waiting)):
                if units:
                    expected[(line.owner, sku, loc, status)] = units
        assert seen["held"] == expected


def test_stock_ledger_properties(database: Database) -> None:
    class Machine(LedgerMachine):
        pass

    Machine.database = database
    run_state_machine_as_test(Machine, settings=_budget())
