"""Sourcing profile use cases: versions per channel, drafts, activation; location settings.

A profile version is a draft (editable) until activated; activating it retires the
channel's active version, which stays readable (and may be activated again). A channel
with no active version uses the default profile (lowest cost, default cost model).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    PreconditionFailed,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.sourcing.adapter import default_setup
from switchyard.sourcing.costs import cost_model_from_dict, default_cost_model
from switchyard.sourcing.profile import LOCATION_TYPES, profile_from_dict
from switchyard.sourcing.profile_repository import ProfileRepository

RULES = ("strategy", "filters", "max_splits", "fulfilment", "keep_kits_together", "merge_nodes")
DEFAULT_RULES: dict[str, Any] = {
    "strategy": "lowest_cost",
    "filters": {},
    "max_splits": None,
    "fulfilment": "ship_available",
    "keep_kits_together": True,
    "pickup_transfers": True,
    "merge_nodes": [],
}


def view(row: dict[str, Any]) -> dict[str, Any]:
    """A stored version as the API shows it (every filter spelled out)."""
    rules = {**DEFAULT_RULES, **row["rules"]}
    engine = profile_from_dict({k: rules[k] for k in RULES}).as_dict()
    return {
        **{k: row.get(k) for k in ("id", "channel_id", "name", "version", "status", "revision")},
        **{k: engine[k] for k in RULES},
        "pickup_transfers": bool(rules["pickup_transfers"]),
        "cost_model": row["cost_model"],
        **{k: row.get(k) for k in ("created_at", "updated_at", "activated_at")},
    }


def channel_row(uow: UnitOfWork, ref: str, field: str = "channel") -> dict[str, Any]:
    channel = uow.repo(ChannelRepository).get(ref)
    if channel is None:
        raise ValidationFailed(
            "unknown_channel",
            f"channel '{ref}' does not exist",
            [FieldError(field, "unknown_channel", ref)],
        )
    return channel


def _cost_model(
    uow: UnitOfWork, given: dict[str, Any] | None, base: dict[str, Any]
) -> dict[str, Any]:
    """Merge submitted cost model fields over ``base`` and validate the result."""
    data = {**base, "handling_by_type": dict(base["handling_by_type"])}
    data["handling_by_location"] = dict(base.get("handling_by_location", {}))
    given = {k: v for k, v in (given or {}).items() if v is not None}
    unknown = sorted(set(given.get("handling_by_type", {})) - LOCATION_TYPES)
    if unknown:
        raise ValidationFailed(
            "invalid_cost_model",
            "handling rates are per location type",
            [FieldError(f"cost_model.handling_by_type.{k}", "invalid_choice", k) for k in unknown],
        )
    for key in ("currency", "zones", "split_penalty", "transfer_factor"):
        if key in given:
            data[key] = given[key]
    data["handling_by_type"].update(given.get("handling_by_type", {}))
    by_location = given.get("handling_by_location", {})
    if by_location:
        locations = uow.repo(LocationRepository)
        locations.require_ids(list(by_location), "cost_model.handling_by_location")
        for ref, rate in by_location.items():
            found = locations.get(ref)
            assert found is not None  # require_ids checked it
            data["handling_by_location"][found["id"]] = rate
    try:
        return cost_model_from_dict(data).as_dict()
    except ValidationFailed as exc:
        errors = [FieldError(f"cost_model.{e.field}", e.code, e.message) for e in exc.errors]
        raise ValidationFailed(exc.code, exc.detail, errors) from exc


def _merge_nodes(uow: UnitOfWork, given: dict[str, Any]) -> dict[str, Any]:
    """``given`` with its merge nodes (ids or codes) as location ids, in the order given."""
    refs = given.get("merge_nodes")
    if not refs:
        return given
    locations = uow.repo(LocationRepository)
    locations.require_ids(list(refs), "merge_nodes")
    ids = []
    for ref in refs:
        found = locations.get(ref)
        assert found is not None  # require_ids checked it
        ids.append(found["id"])
    return {**given, "merge_nodes": ids}


def _rules(given: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    rules = {**DEFAULT_RULES, **base}
    keys = ("strategy", "max_splits", "fulfilment", "keep_kits_together", "pickup_transfers")
    for key in (*keys, "merge_nodes"):
        if key in given and (given[key] is not None or key == "max_splits"):
            rules[key] = given[key]
    if given.get("filters"):  # filters given are merged over the base's
        rules["filters"] = {**rules["filters"], **given["filters"]}
    rules["filters"] = {k: v for k, v in rules["filters"].items() if v is not None}
    profile_from_dict({k: rules[k] for k in RULES})  # raises listing every field at fault
    return rules


def create_profile(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    """A new draft version for a channel, from scratch or ``based_on`` another version."""
    repo = uow.repo(ProfileRepository)
    base_rules: dict[str, Any] = {}
    base_cost: dict[str, Any] | None = None
    channel_ref, name = values.get("channel"), values.get("name")
    if values.get("based_on"):
        base = repo.get_profile(values["based_on"])
        if base is None:
            raise ValidationFailed(
                "unknown_profile",
                f"sourcing profile '{values['based_on']}' does not exist",
                [FieldError("based_on", "unknown_profile", values["based_on"])],
            )
        base_rules, base_cost = base["rules"], base["cost_model"]
        channel_ref, name = channel_ref or base["channel_id"], name or base["name"]
    if not channel_ref or not name:
        missing = [f for f, v in (("channel", channel_ref), ("name", name)) if not v]
        raise ValidationFailed(
            "invalid_sourcing_profile",
            "a new profile needs a channel and a name (or based_on)",
            [FieldError(f, "required", "required") for f in missing],
        )
    channel = channel_row(uow, channel_ref)
    base_cost = base_cost or default_cost_model(channel["currency"]).as_dict()
    now = utcnow()
    row = {
        "channel_id": channel["id"],
        "name": name,
        "status": "draft",
        "rules": _rules(_merge_nodes(uow, values), base_rules),
        "cost_model": _cost_model(uow, values.get("cost_model"), base_cost),
        "revision": 1,
        "created_at": now,
        "updated_at": now,
        "activated_at": None,
    }
    for _ in range(3):  # two drafts created at once race for the version number
        row |= {"id": new_id("spf"), "version": repo.next_version(channel["id"])}
        try:
            with uow.conn.begin_nested():
                repo.add_profile(row)
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("profile_version_taken", "another draft was created at the same time")
    uow.emit(_event("sourcing.profile_created", row))
    return view(row)


def _event(type_: str, row: dict[str, Any], **data: Any) -> DomainEvent:
    payload = {"name": row["name"], "version": row["version"], **data}
    return DomainEvent(type_, "sourcing_profile", row["id"], payload, channel_id=row["channel_id"])


def get_profile(uow: UnitOfWork, profile_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = uow.repo(ProfileRepository).get_profile(profile_id, lock=lock)
    if row is None:
        raise not_found("sourcing_profile", profile_id)
    return row


def update_profile(
    uow: UnitOfWork, profile_id: str, values: dict[str, Any], expected: int | None
) -> dict[str, Any]:
    """Change a draft; active and retired versions are read-only."""
    row = get_profile(uow, profile_id)
    check_version("sourcing profile", expected, row["revision"])
    if row["status"] != "draft":
        raise Conflict(
            "profile_not_draft",
            f"version {row['version']} is {row['status']}: create a new draft based on it",
            extra={"status": row["status"]},
        )
    rules = _rules(_merge_nodes(uow, values), row["rules"])
    changes: dict[str, Any] = {"rules": rules, "updated_at": utcnow()}
    if values.get("name"):
        changes["name"] = values["name"]
    if values.get("cost_model") is not None:
        changes["cost_model"] = _cost_model(uow, values["cost_model"], row["cost_model"])
    repo = uow.repo(ProfileRepository)
    if not repo.update_draft(row["id"], row["revision"], changes):
        raise PreconditionFailed("version_mismatch", "the profile changed meanwhile: reload it")
    updated = get_profile(uow, row["id"])
    uow.emit(_event("sourcing.profile_updated", updated))
    return view(updated)


def activate(uow: UnitOfWork, profile_id: str, expected: int | None) -> dict[str, Any]:
    """Make this version the channel's active profile; the previous one is retired."""
    repo = uow.repo(ProfileRepository)
    row = get_profile(uow, profile_id, lock=True)
    check_version("sourcing profile", expected, row["revision"])
    if row["status"] == "active":
        return view(row)
    now = utcnow()
    channel_id = row["channel_id"]
    current = repo.active_profile_id(channel_id, lock=True)
    if current is None:
        switched = repo.claim_active(channel_id, row["id"], now)
    else:
        switched = repo.switch_active(channel_id, current, row["id"], now)
        repo.set_status(current, "retired", {"updated_at": now})
    if not switched:
        raise Conflict("profile_activation_raced", "another version was activated meanwhile")
    repo.set_status(row["id"], "active", {"updated_at": now, "activated_at": now})
    active = get_profile(uow, row["id"])
    uow.emit(_event("sourcing.profile_activated", active, retired=current))
    return view(active)


def effective_profile(uow: UnitOfWork, channel_ref: str) -> dict[str, Any]:
    """The profile a channel's orders are sourced with now (the default if none is active)."""
    channel = channel_row(uow, channel_ref)
    row = uow.repo(ProfileRepository).active_profile(channel["id"])
    if row is not None:
        return view(row)
    setup = default_setup(channel["id"], channel["currency"])
    return view(
        {
            "id": None,
            "channel_id": channel["id"],
            "name": "Default",
            "version": 0,
            "status": "active",
            "revision": 0,
            "rules": DEFAULT_RULES,
            "cost_model": setup.cost_model.as_dict(),
        }
    )
