"""An order's sourcing decisions and timeline events, said in words for a person.

Pure functions over what the API returns (GET /orders/{id}/sourcing and
/orders/{id}/events): ``names`` maps location ids and codes to the locations' names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from switchyard.console.formatting import money, words
from switchyard.events import catalogue

KINDS = {
    "ship_from_warehouse": "shipped from the warehouse",
    "ship_from_store": "shipped from the store",
    "pickup_in_store": "picked up at the store",
    "ship_to_store": "sent to the store for pickup",
}


def _name(names: Mapping[str, str], ref: Any) -> str:
    return names.get(str(ref), str(ref)) if ref else "an unknown location"


def _units(count: Any) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def sourcing_words(decision: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """One decision as a headline ("Ships from Erfurt: lowest total cost ...") and a
    sentence per location that was considered and not used, and why."""
    body = decision.get("decision") or {}
    log = body.get("log") or {}
    shipments = body.get("shipments") or []
    reason = str(log.get("reason") or "").strip()
    for ref, name in names.items():  # the engine's codes, as the names people know
        if ref and not ref.startswith("loc_") and ref in reason:
            reason = reason.replace(ref, name)
    used = {str(s.get("location_id")) for s in shipments}
    froms = [
        f"{_name(names, s.get('location_id'))} ({_units(s.get('units', 0))})" for s in shipments
    ]
    head = "Sourced from " + ", ".join(froms) if froms else "Not sourced"
    if reason:
        head += f": {reason}"
    others = []
    for c in log.get("candidates") or []:
        location = _name(names, c.get("location_id") or c.get("code"))
        if str(c.get("location_id")) in used:
            continue
        failed = c.get("failed_filters") or []
        if failed:
            why = "; ".join(str(f.get("detail") or words(str(f.get("filter", "")))) for f in failed)
            others.append(f"{location} excluded: {why}")
            continue
        alone = c.get("alone") or {}
        if alone.get("unsourced_units"):
            others.append(
                f"{location} not chosen: alone it would leave "
                f"{_units(alone['unsourced_units'])} unsourced"
            )
        elif alone.get("cost") is not None:
            others.append(f"{location} not chosen: alone it would cost {alone['cost']}")
        else:
            others.append(f"{location} not chosen")
    unsourced = body.get("unsourced") or {}
    waiting = sum(int(v) for v in unsourced.values() if isinstance(v, int | float))
    return {
        "seq": decision.get("seq"),
        "cause": words(str(decision.get("cause") or "placement")),
        "strategy": words(str(decision.get("strategy") or "")),
        "status": str(decision.get("status") or ""),
        "cost": decision.get("total_cost"),
        "currency": decision.get("currency"),
        "created_at": decision.get("created_at"),
        "headline": head,
        "others": others,
        "unsourced": _units(waiting) + " could not be sourced" if waiting else "",
    }


def _status_move(data: Mapping[str, Any]) -> str:
    status = data.get("status")
    if isinstance(status, dict) and status.get("from") != status.get("to"):
        return f"status {words(str(status.get('from')))} → {words(str(status.get('to')))}"
    return ""


def _amended(data: Mapping[str, Any]) -> str:
    before, after = data.get("before") or {}, data.get("after") or {}
    change = words(str(data.get("change") or "changed"))
    parts = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) or isinstance(new, dict):
            parts.append(f"{words(key)} changed")
        else:
            parts.append(f"{words(key)} {old if old is not None else '—'} → {new}")
    return change + (": " + ", ".join(parts) if parts else "")


def _holds(data: Mapping[str, Any]) -> str:
    found = []
    for h in data.get("holds") or []:
        if isinstance(h, dict):
            found.append(f"{words(str(h.get('type', '')))}: {h.get('reason', '')}".strip(": "))
    return "; ".join(found)


def event_words(event: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """What changed, in a sentence."""
    kind = str(event.get("type"))
    data: Mapping[str, Any] = event.get("data") or {}
    where = _name(names, data.get("location_id")) if data.get("location_id") else ""
    text = ""
    if kind == "order.placed":
        lines = data.get("lines") or []
        total = money(data.get("total"), str(data.get("currency") or "EUR"))
        text = f"Order placed with {len(lines)} line(s), total {total}"
    elif kind == "order.allocated":
        parts = [
            f"{_units(a.get('quantity'))} at {_name(names, a.get('location_id'))}"
            for a in data.get("allocations") or []
            if isinstance(a, dict)
        ]
        text = "Stock reserved: " + ", ".join(parts) if parts else "Stock reserved"
    elif kind == "order.held":
        text = "Put on hold — " + _holds(data)
    elif kind == "order.hold_released":
        text = f"Hold released — {_holds(data)}. Note: {data.get('note', '')}"
        if data.get("still_held"):
            text += " (other holds remain)"
    elif kind == "order.cancelled":
        cut = sum(int(ln.get("cancelled", 0)) for ln in data.get("lines") or [])
        text = f"Cancelled ({_units(cut)})"
        if data.get("reason"):
            text += f" — reason: {data['reason']}"
    elif kind == "order.amended":
        text = "Amended: " + _amended(data)
    elif kind == "order.status_changed":
        text = f"Status {words(str(data.get('from')))} → {words(str(data.get('to')))}"
        if data.get("cause"):
            text += f" ({words(str(data['cause']))})"
    elif kind == "fulfillment.shipped":
        text = f"Shipped from {where}"
        if data.get("carrier"):
            text += f" with {data['carrier']}"
        if data.get("tracking_number"):
            text += f", tracking {data['tracking_number']}"
    elif kind == "inventory.changed":
        text = (
            f"Stock at {where}: {data.get('on_hand')} on hand, {data.get('reserved')} "
            f"reserved ({words(str(data.get('cause') or ''))})"
        )
    elif kind in ("invoice.issued", "credit_note.issued"):
        text = f"{words(str(data.get('kind') or 'invoice'))} {data.get('number')} issued"
        text += f": {money(data.get('gross_total'), str(data.get('currency') or 'EUR'))}"
    elif kind.startswith("notification."):
        text = _email_words(kind, data)
    elif kind.startswith("payment."):
        text = f"Payment {kind.split('.', 1)[1]} ({data.get('provider', '')})"
    else:
        spec = catalogue.get(kind)
        text = spec.summary.rstrip(".") if spec else words(kind)
        if where:
            text += f" — {where}"
        if data.get("reason") and isinstance(data.get("reason"), str):
            text += f" — {data['reason']}"
    move = "" if kind == "order.status_changed" else _status_move(data)
    return f"{text} ({move})" if move else text


SKIPPED_BECAUSE = {
    "no_email": "the customer has no email address",
    "opted_out": "the customer opted out of non-essential emails",
}


def _email_words(kind: str, data: Mapping[str, Any]) -> str:
    """Customer email events (``notification.*``) in a sentence."""
    what = f"The {words(str(data.get('trigger') or 'customer')).lower()} email"
    to = f" to {data['recipient']}" if data.get("recipient") else ""
    if kind == "notification.sent":
        return f"{what} was sent{to}"
    if kind == "notification.failed":
        code = f" (SMTP {data['smtp_code']})" if data.get("smtp_code") else ""
        return f"{what} could not be delivered{to}{code}"
    if kind == "notification.skipped":
        reason = str(data.get("reason") or "")
        return f"{what} was not sent: {SKIPPED_BECAUSE.get(reason, words(reason).lower())}"
    if kind == "notification.resent":
        return f"{what} was queued again"
    return words(kind)


def actor_words(event: Mapping[str, Any]) -> str:
    actor = event.get("actor") or {}
    name = str(actor.get("name") or actor.get("id") or "")
    kind = str(actor.get("kind") or "")
    if kind == "user":
        return name
    if kind == "api_key":
        return f"API key {name}".strip()
    return f"{words(kind)} {name}".strip() if kind else name
