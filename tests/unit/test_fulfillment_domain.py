from datetime import UTC, datetime
from decimal import Decimal

import pytest

from switchyard.fulfillment.domain import Fulfillment, FulfillmentLine, Status, new_pickup_code
from switchyard.fulfillment.packages import PackageSpec, PackPlan
from switchyard.fulfillment.shipping import Label
from switchyard.kernel.errors import Conflict, ValidationFailed


def make() -> Fulfillment:
    return Fulfillment(
        "ful_1",
        "ord_1",
        "loc_1",
        Status.CREATED,
        [FulfillmentLine("l1", "s1", 2), FulfillmentLine("l2", "s2", 1)],
    )


def test_happy_path_and_idempotent_repeats():
    f = make()
    assert f.pick() is True
    assert f.pick() is False
    assert f.pack() is True
    assert f.pack() is False
    assert f.ship("DHL", "123") is True
    assert f.ship("DHL", "123") is False
    assert f.deliver() is True
    assert f.deliver() is False
    assert f.status == Status.DELIVERED
    assert [ln.qty_packed for ln in f.lines] == [2, 1]


def test_steps_cannot_be_skipped_or_reversed():
    f = make()
    with pytest.raises(Conflict):
        f.pack()
    with pytest.raises(Conflict):
        f.ship("DHL", "1")
    f.pick()
    f.pack()
    with pytest.raises(Conflict):
        f.release()
    f.ship("DHL", "1")
    with pytest.raises(Conflict) as err:
        f.ship("UPS", "2")
    assert err.value.code == "already_shipped"
    with pytest.raises(Conflict):
        f.cancel()


def test_pick_quantities_must_match():
    f = make()
    with pytest.raises(ValidationFailed) as err:
        f.pick({"l1": 1, "l2": 1, "zz": 1})
    fields = {e.field for e in err.value.errors}
    assert fields == {"lines.0.quantity", "lines"}
    assert f.status == Status.CREATED


def test_cancel_before_shipping():
    f = make()
    f.pick()
    assert f.cancel() is True
    assert f.cancel() is False
    with pytest.raises(Conflict):
        f.pack()


# -- release, acceptance, rejection ---------------------------------------------------------


def names(f: Fulfillment) -> list[tuple[str, bool]]:
    steps = [(s.name, s.inferred) for s in f.steps]
    f.steps.clear()
    return steps


def test_a_held_order_blocks_release_and_work():
    f = make()
    f.blocked_by = "order_on_hold"
    for step in (f.release, f.accept, f.pick, f.start_picking):
        with pytest.raises(Conflict) as err:
            step()
        assert err.value.code == "order_on_hold"
    assert f.status == Status.CREATED and f.steps == []
    f.blocked_by = None
    assert f.release() is True and f.release() is False


def test_picking_implies_release_and_acceptance():
    f = make()
    f.pick()
    assert names(f) == [("released", True), ("accepted", True), ("picked", False)]


def test_reject_cancels_and_hands_everything_back():
    f = make()
    with pytest.raises(Conflict) as err:
        f.reject("no")
    assert err.value.code == "not_released"
    f.release()
    names(f)
    assert f.reject("flooded") is True
    assert (f.status, f.cancel_reason, f.note) == (Status.CANCELLED, "rejected", "flooded")
    (step,) = f.steps
    assert step.name == "rejected" and step.data["quantities"] == {"l1": 2, "l2": 1}
    assert f.reject("again") is False


def test_reject_after_picking_is_refused():
    f = make()
    f.pick()
    with pytest.raises(Conflict) as err:
        f.reject()
    assert err.value.code == "invalid_transition"


# -- scanning and short picks ---------------------------------------------------------------


def test_scans_add_up_and_never_exceed_the_line():
    f = make()
    f.release()
    f.scan("l1", 1)
    assert f.status == Status.PICKING
    f.scan("l1", 1)
    with pytest.raises(Conflict) as err:
        f.scan("l1", 1)
    assert err.value.code == "over_pick"
    with pytest.raises(ValidationFailed):
        f.pick()  # l2 was not scanned: as scanned, that is a short pick without permission
    f.scan("l2", 1)
    assert f.pick() is True and [ln.qty_picked for ln in f.lines] == [2, 1]


def test_short_pick_keeps_what_was_found():
    f = make()
    f.pick({"l1": 1, "l2": 1}, allow_short=True)
    assert f.status == Status.PICKED
    assert [(ln.quantity, ln.qty_picked, ln.qty_short) for ln in f.lines] == [(1, 1, 1), (1, 1, 0)]
    short = next(s for s in f.steps if s.name == "short_picked")
    assert short.data["quantities"] == {"l1": 1}
    with pytest.raises(Conflict) as err:
        f.pick({"l1": 2, "l2": 1})
    assert err.value.code == "already_picked"


def test_nothing_found_cancels():
    f = make()
    f.pick({}, allow_short=True)
    assert (f.status, f.cancel_reason) == (Status.CANCELLED, "short_pick")
    assert [ln.qty_short for ln in f.lines] == [2, 1]


def test_over_and_negative_picks_are_refused():
    f = make()
    with pytest.raises(ValidationFailed) as err:
        f.pick({"l1": 3, "l2": -1}, allow_short=True)
    assert {e.code for e in err.value.errors} == {"over_pick"}


# -- packing, labels, shipping, delivery ----------------------------------------------------


def packed(*specs: PackageSpec) -> Fulfillment:
    f = make()
    f.pick()
    plan = PackPlan({}, {"l1": "s1", "l2": "s2"}, {"s1": 400, "s2": 150})
    f.pack(list(specs) or None, plan)
    f.steps.clear()
    return f


def test_one_package_by_default_weighed_from_the_skus():
    f = packed()
    (p,) = f.packages
    assert (p.items, p.weight_grams, p.number) == ({"l1": 2, "l2": 1}, 950, 1)


def test_packages_must_hold_exactly_the_picked_units():
    f = make()
    f.pick()
    with pytest.raises(ValidationFailed) as err:
        f.pack([PackageSpec({"l1": 2}), PackageSpec(None)])
    assert err.value.code == "items_required"
    with pytest.raises(ValidationFailed) as err:
        f.pack([PackageSpec({"l1": 1}), PackageSpec({"l2": 1, "zz": 1})])
    assert {e.code for e in err.value.errors} == {"not_picked", "pack_quantity_mismatch"}
    assert f.status == Status.PICKED and f.packages == []


def test_labels_then_ship_without_a_body():
    f = packed(PackageSpec({"l1": 2}, weight_grams=800), PackageSpec({"l2": 1}))
    with pytest.raises(Conflict) as err:
        f.ship()
    assert err.value.code == "not_labelled"
    with pytest.raises(ValidationFailed) as verr:
        f.ship("DHL", "1")
    assert verr.value.code == "tracking_per_package"
    labels = [Label("T1", Decimal("4.90"), "EUR"), Label("T2", Decimal("4.90"), "EUR")]
    assert f.label("dhl", "std", labels) is True
    assert f.label("dhl", "std", []) is False
    with pytest.raises(Conflict):
        f.label("ups", None, [])
    assert (f.carrier, f.tracking_number) == ("dhl", "T1")
    assert f.ship() is True and {p.status for p in f.packages} == {"shipped"}


def test_packages_deliver_one_by_one():
    f = packed(PackageSpec({"l1": 2}), PackageSpec({"l2": 1}))
    f.label("dhl", "std", [Label("T1"), Label("T2")])
    f.ship()
    f.steps.clear()
    _, second = f.packages
    assert f.deliver([second.id]) is True
    assert f.status == Status.SHIPPED
    assert names(f) == [("partially_delivered", False)]
    assert f.deliver([second.id]) is False
    assert f.deliver() is True and f.status == Status.DELIVERED
    assert f.steps[0].data["quantities"] == {"l1": 2}


def test_catch_up_infers_every_missing_step_and_the_number_comes_later():
    f = make()
    f.release()
    f.steps.clear()
    f.catch_up(Status.DELIVERED)
    f.deliver()
    assert names(f) == [
        ("accepted", True),
        ("picked", True),
        ("packed", True),
        ("shipped", True),
        ("delivered", False),
    ]
    assert f.ship("UPS", "1Z1") is True and f.tracking_number == "1Z1"
    assert names(f) == [("tracking_added", False)]
    assert f.ship("UPS", "1Z1") is False
    with pytest.raises(Conflict):
        f.ship("UPS", "1Z2")


# -- click & collect ------------------------------------------------------------------------


def test_pickup_with_the_right_code_only():
    f = make()
    f.delivery_method = "pickup"
    deadline = datetime(2030, 1, 8, tzinfo=UTC)
    with pytest.raises(Conflict):
        f.ready_for_pickup("123456", deadline)
    f.pick()
    with pytest.raises(Conflict) as err:
        f.ship("DHL", "1")
    assert err.value.code == "pickup_fulfillment"
    assert f.ready_for_pickup("123456", deadline) is True
    assert f.ready_for_pickup("999999", deadline) is False and f.pickup_code == "123456"
    with pytest.raises(ValidationFailed) as verr:
        f.picked_up("654321")
    assert verr.value.code == "invalid_pickup_code"
    assert f.picked_up(" 123456 ") is True and f.status == Status.PICKED_UP
    assert f.picked_up("123456") is False


def test_uncollected_pickup_can_be_cancelled_but_not_a_shipped_parcel():
    f = make()
    f.delivery_method = "pickup"
    f.pick()
    f.ready_for_pickup("1", datetime(2030, 1, 8, tzinfo=UTC))
    assert f.cancel("not_collected") is True and f.cancel_reason == "not_collected"
    g = packed()
    g.ship("DHL", "1")
    with pytest.raises(Conflict) as err:
        g.cancel()
    assert err.value.code == "fulfillment_shipped"
    assert new_pickup_code().isdigit() and len(new_pickup_code()) == 6
