"""Which triggers a customer may opt out of, and why a message is skipped (pure)."""

from switchyard.console.orders_words import event_words
from switchyard.notifications import domain as d


def test_only_non_essential_triggers_are_skipped_for_an_opted_out_customer() -> None:
    assert {d.CHANGED, d.DELIVERED} == d.NON_ESSENTIAL
    assert set(d.TRIGGERS) == d.ESSENTIAL | d.NON_ESSENTIAL
    for trigger in d.TRIGGERS:
        expected = "opted_out" if trigger in (d.CHANGED, d.DELIVERED) else None
        assert d.skipped_for_customer(trigger, True, True) == expected
        assert d.skipped_for_customer(trigger, True, False) is None
        assert d.skipped_for_customer(trigger, False, True) == "no_email"


def test_the_console_timeline_says_why_an_email_was_not_sent() -> None:
    event = {
        "type": "notification.skipped",
        "data": {"trigger": "delivered", "reason": "opted_out"},
    }
    said = event_words(event, {})
    assert said == (
        "The delivered email was not sent: the customer opted out of non-essential emails"
    )
    event["data"] = {"trigger": "ready_for_pickup", "reason": "no_email"}
    assert event_words(event, {}).endswith("the customer has no email address")
    assert "Ready for pickup" not in event_words(event, {})
