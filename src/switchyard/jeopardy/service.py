"""The jeopardy monitor: open fulfillments checked against their promises.

``check_due`` is the worker's job: it reads the watches that are due (``jeopardy_watches``,
one index range), locks their orders in id order, assesses each fulfillment
(``jeopardy.rules``) and records what changed: a new risk is ``order.at_risk``, a risk that
no longer holds is ``order.risk_cleared``, each once (conditional writes: two workers at
once record each change once). Every check moves the watch to the next deadline ahead (at
most a day later, so a changed setting is seen), and drops it when the promise is kept or
the fulfillment cancelled. The in-transaction handlers (``jeopardy.handlers``) check a
fulfillment again whenever it moves or the carrier scans it, so a risk clears as soon as
the fulfillment moves on; only the job re-sources (``jeopardy.resourcing``).

A risk is never cleared by a clock that reads earlier than when it was found (a worker's
clock behind another's, a test's ``now`` ahead of the wall clock): a fulfillment is
assessed at the later of ``now`` and its active risks' ``detected_at``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from switchyard.channels.jeopardy_policy import JeopardyPolicy, jeopardy_policy
from switchyard.db.uow import UnitOfWork
from switchyard.jeopardy import resourcing
from switchyard.jeopardy.repository import JeopardyRepository
from switchyard.jeopardy.rules import (
    MOVABLE,
    RESOURCEABLE,
    Assessment,
    Site,
    Subject,
    assess,
)
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.kernel.money import format_amount
from switchyard.orders.master_data import channel
from switchyard.orders.read_model import risk_view
from switchyard.orders.risk_repository import RiskRepository
from switchyard.sourcing.calendar import BusinessCalendar
from switchyard.sourcing.model import WEEKDAYS

# Most fulfillments one run of the job checks (it runs every 30 s).
BATCH = 500
# Looked at again after this long at the latest, deadline or not.
REVIEW = timedelta(hours=24)


@dataclass(slots=True)
class CheckResult:
    checked: int = 0
    flagged: int = 0
    cleared: int = 0
    resourced: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "flagged": self.flagged,
            "cleared": self.cleared,
            "resourced": self.resourced,
        }


@dataclass(slots=True)
class _Changes:
    """What one check found, per order."""

    flagged: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    cleared: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    channels: dict[str, str] = field(default_factory=dict)


def check_due(
    uow: UnitOfWork, *, now: datetime | None = None, limit: int = BATCH
) -> dict[str, int]:
    """The worker's job: check the fulfillments whose watch is due, re-source where the
    channel says so; returns the counts."""
    now = now or utcnow()
    due = uow.repo(JeopardyRepository).due(now, limit)
    return check(uow, due, now=now, cause="check", resource=True).as_dict()


def check_orders(
    uow: UnitOfWork, order_ids: Sequence[str], *, now: datetime | None = None
) -> CheckResult:
    """Check every watched fulfillment of these orders now, due or not (the CLI)."""
    targets = uow.repo(JeopardyRepository).watched_of_orders(order_ids)
    return check(uow, targets, now=now or utcnow(), cause="check", resource=True)


def policy_of(uow: UnitOfWork, channel_id: str) -> JeopardyPolicy:
    found = channel(uow, channel_id) or {}
    return jeopardy_policy(found.get("settings"))


def site_of(row: dict[str, Any]) -> Site:
    holidays = frozenset(date.fromisoformat(d) for d in row["holidays"] or [])
    hours, minutes = (int(p) for p in row["cutoff_time"].split(":"))
    calendar = BusinessCalendar(
        row["timezone"], frozenset(row["processing_days"] or WEEKDAYS), holidays
    )
    return Site(calendar, time(hours, minutes), int(row["handling_days"] or 0))


def subject_of(row: dict[str, Any], scans: tuple[int, datetime | None] | None) -> Subject:
    tracked, last_scan = scans or (0, None)
    return Subject(
        status=row["status"],
        delivery_method=row["delivery_method"],
        to_store=row["ship_to_location_id"] is not None,
        ship_by=row["ship_by"],
        # The date agreed last: the fulfillment's, which staff may change, else sourcing's.
        deliver_by=row["promised_delivery"] or row["deliver_by"],
        ready_at=row["ready_at"],
        released_at=row["released_at"],
        shipped_at=row["shipped_at"],
        tracked_packages=tracked,
        last_scan_at=last_scan,
    )


def _assess(subject: Subject, site: Site, policy: JeopardyPolicy, at: datetime) -> Assessment:
    if not policy.enabled:
        return Assessment((), None, subject.done)
    try:
        return assess(subject, site, policy, at)
    except ValueError:  # a calendar without a working day: nothing can be dated
        return Assessment((), None, subject.done)


def check(
    uow: UnitOfWork,
    targets: Iterable[tuple[str, str]],
    *,
    now: datetime,
    cause: str | dict[str, str],
    resource: bool,
) -> CheckResult:
    """Assess these (order id, fulfillment id) and record what changed. ``cause``: what
    clears a risk (``check``, or per fulfillment id the event that moved it); ``resource``:
    re-source what the channel's ``auto_resource`` allows (the job only)."""
    targets = list(targets)
    result = CheckResult()
    if not targets:
        return result
    risks, repo = uow.repo(RiskRepository), uow.repo(JeopardyRepository)
    risks.lock_orders(o for o, _ in targets)  # the order row first, as every writer
    ids = sorted({f for _, f in targets})
    rows = repo.subjects(ids)
    scans = repo.scans(ids)
    active = risks.active_for_fulfillments(ids)
    changes = _Changes()
    watches: dict[str, dict[str, Any]] = {}
    done: set[str] = set(ids) - set(rows)
    movable: list[tuple[dict[str, Any], Subject, datetime]] = []
    for fid in ids:
        row = rows.get(fid)
        if row is None:
            continue
        result.checked += 1
        order_id = row["order_id"]
        changes.channels[order_id] = row["channel_id"]
        mine = active.get(fid, {})
        at = max([now, *(r["detected_at"] for r in mine.values())])
        policy, subject = policy_of(uow, row["channel_id"]), subject_of(row, scans.get(fid))
        found = _assess(subject, site_of(row), policy, at)
        for risk in found.risks:
            if risk.reason in mine:
                continue
            entry = {
                "id": new_id("rsk"),
                "order_id": order_id,
                "fulfillment_id": fid,
                "location_id": row["location_id"],
                "reason": risk.reason,
                "due_at": risk.due_at,
                "detected_at": at,
                "details": _details(row, subject),
            }
            if risks.detect(entry):
                changes.flagged[order_id].append(entry)
        by = cause if isinstance(cause, str) else cause.get(fid, "check")
        for reason, r in sorted(mine.items()):
            if reason not in found.reasons and risks.clear(r["id"], at, by):
                changes.cleared[order_id].append({**r, "cleared_by": by})
        if found.done:
            done.add(fid)
        else:
            ahead = at + REVIEW
            nxt = min(found.next_check_at, ahead) if found.next_check_at else ahead
            watches[fid] = {"fulfillment_id": fid, "order_id": order_id, "check_at": nxt}
        if (
            resource
            and policy.auto_resource
            and subject.status in MOVABLE
            and found.reasons & RESOURCEABLE
            and row["held_since"] is None
        ):
            movable.append((row, subject, at))
    _emit_flagged(uow, changes)
    for row, subject, at in movable:
        if _resource(uow, row, subject, at, changes):
            result.resourced += 1
            done.add(row["id"])
            watches.pop(row["id"], None)
    _emit_cleared(uow, changes)
    result.flagged = sum(len(v) for v in changes.flagged.values())
    result.cleared = sum(len(v) for v in changes.cleared.values())
    risks.follow(set(changes.flagged) | set(changes.cleared))
    repo.unwatch(done)
    if watches:
        repo.watch([watches[k] for k in sorted(watches)])
    return result


def _details(row: dict[str, Any], subject: Subject) -> dict[str, Any]:
    """What the person looking at the risk wants to see with it."""
    return {
        "status": subject.status,
        "ship_by": _iso(subject.ship_by),
        "deliver_by": _iso(subject.deliver_by),
        "ready_at": _iso(subject.ready_at),
        "on_hold": row["held_since"] is not None,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _resource(
    uow: UnitOfWork, row: dict[str, Any], subject: Subject, at: datetime, changes: _Changes
) -> bool:
    """Move an at-risk fulfillment's units where they can still make the date, once per
    risk: the outcome is written on the risks, so a failed attempt is not repeated every
    run (a person sees it in the exception view)."""
    risks = uow.repo(RiskRepository)
    mine = risks.active_for_fulfillments([row["id"]]).get(row["id"], {})
    wanted = {r: v for r, v in mine.items() if r in RESOURCEABLE}
    if not wanted or any("resourcing" in (v["details"] or {}) for v in wanted.values()):
        return False
    outcome = resourcing.move(uow, row["order_id"], row["id"], subject.deliver_by, at)
    note = {"at": at.isoformat(), "outcome": outcome.outcome}
    for v in wanted.values():
        risks.set_details(v["id"], {**(v["details"] or {}), "resourcing": note})
    if not outcome.moved:
        return False
    order_id = row["order_id"]
    for _, v in sorted(mine.items()):
        if risks.clear(v["id"], at, "resourced"):
            changes.cleared[order_id].append({**v, "cleared_by": "resourced"})
    changes.channels[order_id] = row["channel_id"]
    uow.emit(
        DomainEvent(
            "order.risk_resourced",
            "order",
            order_id,
            {
                "fulfillment_id": row["id"],
                "location_id": row["location_id"],
                "reasons": sorted(wanted),
                "deliver_by": _iso(subject.deliver_by),
                "fulfillments": outcome.to,
            },
            order_id=order_id,
            channel_id=row["channel_id"],
        )
    )
    return True


def _emit_flagged(uow: UnitOfWork, changes: _Changes) -> None:
    for order_id, found in sorted(changes.flagged.items()):
        uow.emit(
            DomainEvent(
                "order.at_risk",
                "order",
                order_id,
                {
                    "risks": [
                        {
                            "fulfillment_id": r["fulfillment_id"],
                            "location_id": r["location_id"],
                            "reason": r["reason"],
                            "due_at": r["due_at"].isoformat(),
                            **r["details"],
                        }
                        for r in found
                    ]
                },
                order_id=order_id,
                channel_id=changes.channels[order_id],
            )
        )


def _emit_cleared(uow: UnitOfWork, changes: _Changes) -> None:
    for order_id, gone in sorted(changes.cleared.items()):
        uow.emit(
            DomainEvent(
                "order.risk_cleared",
                "order",
                order_id,
                {
                    "risks": [
                        {
                            "fulfillment_id": r["fulfillment_id"],
                            "location_id": r["location_id"],
                            "reason": r["reason"],
                            "detected_at": r["detected_at"].isoformat(),
                            "cleared_by": r["cleared_by"],
                        }
                        for r in gone
                    ]
                },
                order_id=order_id,
                channel_id=changes.channels[order_id],
            )
        )


# -- the exception view ----------------------------------------------------------------
def at_risk_queue(
    uow: UnitOfWork,
    *,
    reason: str | None = None,
    channel_id: str | None = None,
    location_id: str | None = None,
    after: tuple[datetime, str] | None = None,
    limit: int = 50,
    visible_at: frozenset[str] | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Orders at risk, the longest at risk first, each with its active risks (of the
    fulfillments a location-restricted key sees); up to ``limit + 1`` (one more: a page
    follows)."""
    now = now or utcnow()
    risks = uow.repo(RiskRepository)
    found = risks.queue(
        reason=reason,
        channel_id=channel_id,
        location_id=location_id,
        after=after,
        limit=limit,
        visible_at=visible_at,
    )
    active = risks.active_for_orders([o.id for o in found])
    items = []
    for o in found:
        since = o.at_risk_since or now
        mine = [
            r for r in active.get(o.id, []) if visible_at is None or r["location_id"] in visible_at
        ]
        items.append(
            {
                "order_id": o.id,
                "external_id": o.external_id,
                "channel_id": o.channel_id,
                "status": o.status,
                "email": o.email,
                "customer_name": o.customer_name,
                "currency": o.currency,
                "total": format_amount(o.total, o.currency),
                "placed_at": o.placed_at,
                "held_since": o.held_since,
                "at_risk_since": since,
                "age_seconds": max(0, int((now - since).total_seconds())),
                "version": o.version,
                "risks": [risk_view(r) for r in mine],
            }
        )
    return items


def risk_history(
    uow: UnitOfWork, order_id: str, hiding: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Every risk the order had, active and cleared, oldest first (without those of the
    fulfillments in ``hiding``)."""
    hidden = set(hiding)
    rows = uow.repo(RiskRepository).for_order(order_id)
    return [r for r in rows if r["fulfillment_id"] not in hidden]
