"""The event catalogue is the contract: emit refuses what it does not describe, and the
webhook guide shows exactly what it lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from switchyard.db.uow import UnitOfWork
from switchyard.events import catalogue
from switchyard.events.catalogue import EventContractError
from switchyard.kernel.events import Actor, DomainEvent

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
BEGIN, END = "<!-- event-types:begin -->", "<!-- event-types:end -->"


def test_names_are_unique_and_well_formed():
    names = [t.name for t in catalogue.EVENT_TYPES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z_]+\.[a-z_]+", n) for n in names)
    for t in catalogue.EVENT_TYPES:
        assert t.summary.endswith(".") and t.aggregate
        assert len({f.name for f in t.fields}) == len(t.fields), t.name


def test_examples_fit_their_type():
    for t in catalogue.EVENT_TYPES:
        catalogue.check(t.name, catalogue.example(t.name))


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("order.completed", {}, "not in switchyard.events.catalogue"),
        ("order.status_changed", {"from": "placed", "to": "allocated"}, "missing field 'cause'"),
        (
            "inventory.changed",
            {**catalogue.example("inventory.changed"), "n": 1},
            "unknown field 'n'",
        ),
        (
            "inventory.changed",
            {**catalogue.example("inventory.changed"), "on_hand": "3"},
            "'on_hand' is str",
        ),
        (
            "inventory.changed",
            {**catalogue.example("inventory.changed"), "on_hand": True},
            "'on_hand' is bool",
        ),
        ("order.placed", {**catalogue.example("order.placed"), "draft_id": 7}, "string or null"),
    ],
)
def test_check_names_what_is_wrong(name, data, problem):
    with pytest.raises(EventContractError, match=re.escape(problem)):
        catalogue.check(name, data)


def test_optional_fields_may_be_left_out_and_null_where_declared():
    data = catalogue.example("fulfillment.picking")
    catalogue.check("fulfillment.picking", {k: v for k, v in data.items() if k != "wave_id"})
    catalogue.check("fulfillment.picking", {**data, "wave_id": None})


def test_emit_checks_against_the_catalogue():
    uow = UnitOfWork(None, Actor.system("tests"))  # type: ignore[arg-type]
    with pytest.raises(EventContractError):
        uow.emit(DomainEvent("order.shipped", "order", "ord_1", {"from": "a", "to": "b"}))
    assert uow.events == []
    good = DomainEvent(
        "order.status_changed", "order", "ord_1", catalogue.example("order.status_changed")
    )
    uow.emit(good)
    assert uow.events == [good]


def test_the_webhook_guide_lists_the_catalogue():
    text = DOC.read_text()
    assert BEGIN in text and END in text, f"{DOC} lost its event-types markers"
    shown = text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert shown == catalogue.markdown(), (
        "docs/webhooks.md is out of date: paste `python -m switchyard.events.catalogue` "
        f"between {BEGIN} and {END}"
    )
