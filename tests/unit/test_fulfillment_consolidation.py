"""Merge legs and consolidated parcels in the fulfillment aggregate (no database)."""

from __future__ import annotations

import pytest

from switchyard.fulfillment.domain import Fulfillment, FulfillmentLine, Status
from switchyard.fulfillment.packages import PackageSpec
from switchyard.fulfillment.status import CONSOLIDATED, MERGE_LEG
from switchyard.kernel.errors import Conflict


def leg() -> Fulfillment:
    return Fulfillment(
        "ful_leg", "ord_1", "loc_a", Status.CREATED, [FulfillmentLine("l1", "s1", 2)],
        ship_to_location_id="loc_n", purpose=MERGE_LEG,
    )  # fmt: skip


def parcel(**kw: object) -> Fulfillment:
    return Fulfillment(
        "ful_n", "ord_1", "loc_n", Status.CREATED,
        [FulfillmentLine("l1", "s1", 2), FulfillmentLine("l2", "s2", 1)],
        purpose=CONSOLIDATED, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_leg_is_not_a_ship_to_store_and_takes_no_more_units():
    f = leg()
    assert f.is_leg and not f.to_store and f.shown_purpose == MERGE_LEG
    assert not f.takes_more("ship", "loc_n")
    store = Fulfillment("f", "o", "a", Status.CREATED, ship_to_location_id="st")
    assert store.to_store and store.shown_purpose == "ship_to_store"


def test_a_leg_arrives_at_the_node_instead_of_delivering_the_order():
    f = leg()
    f.pick()
    f.pack(
        [PackageSpec({"l1": 1}, tracking_number="1"), PackageSpec({"l1": 1}, tracking_number="2")]
    )
    f.ship("DHL")
    first = f.packages[0].id
    f.steps.clear()
    assert f.deliver([first]) is True
    assert f.status == Status.SHIPPED
    (step,) = f.steps
    assert (step.name, step.data["complete"], step.data["quantities"]) == (
        "leg_arrived", False, {"l1": 1},
    )  # fmt: skip
    assert f.deliver() is True and f.status == Status.DELIVERED
    assert f.steps[-1].data["complete"] is True and f.steps[-1].data["merge_node_id"] == "loc_n"
    assert f.deliver() is False


def test_the_parcel_is_released_but_not_picked_while_legs_travel():
    f = parcel(awaiting_legs=True)
    assert f.release() is True
    for work in (f.start_picking, f.pick, lambda: f.scan("l1", 1)):
        with pytest.raises(Conflict) as refused:
            work()
        assert refused.value.code == "awaiting_legs"
    f.awaiting_legs = False
    assert f.pick() is True


@pytest.mark.parametrize("make", [leg, parcel])
def test_neither_hands_units_back_alone(make):
    f = make()
    f.release()
    for give_back in (
        lambda: f.reject("no"),
        lambda: f.cancel("cancelled"),
        lambda: f.pick({"l1": 1}, allow_short=True),
    ):
        with pytest.raises(Conflict) as refused:
            give_back()
        assert refused.value.code == "consolidated_fulfillment"
    assert f.cancel("order_cancelled") is True
