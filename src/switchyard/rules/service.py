"""Company rule use cases, and the rules order validation applies to a channel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from switchyard.channels.repository import ChannelRepository
from switchyard.db.ttl_cache import TTLCache
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
from switchyard.orders.validation.company_rules import rule_errors
from switchyard.orders.validation.model import CompanyRule
from switchyard.rules.repository import RuleRepository

_active_rules = TTLCache("rules.active_for_channel")


def rules_for_channel(uow: UnitOfWork, channel_id: str | None) -> tuple[CompanyRule, ...]:
    """The active rules of ``channel_id`` plus the global ones, for ``ValidationContext``
    (cached per process: up to ``master_data_ttl`` seconds old, see ``db.ttl_cache``)."""
    return _active_rules.get(uow.conn, channel_id, lambda: _load_rules(uow, channel_id))


def _load_rules(uow: UnitOfWork, channel_id: str | None) -> tuple[CompanyRule, ...]:
    return tuple(
        CompanyRule(
            id=r["id"],
            kind=r["kind"],
            params=r["params"],
            action=r["action"],
            hold_type=r["hold_type"],
            channel_id=r["channel_id"],
            code=r["code"],
        )
        for r in uow.repo(RuleRepository).active_for_channel(channel_id)
    )


def _check(kind: str, params: Any, action: str, hold_type: str | None) -> None:
    errors = rule_errors(kind, params, action, hold_type)
    if errors:
        raise ValidationFailed("invalid_rule", "the rule is not valid", errors)


def _stored_params(params: dict[str, Any]) -> dict[str, Any]:
    """Amounts as exact decimal strings, never floats."""
    if "amount" in params:
        return {**params, "amount": str(Decimal(str(params["amount"])))}
    return params


def resolve_channel(uow: UnitOfWork, ref: str | None) -> str | None:
    if ref is None:
        return None
    channel = uow.repo(ChannelRepository).get(ref)
    if channel is None:
        raise ValidationFailed(
            "unknown_channel",
            f"channel '{ref}' does not exist",
            [FieldError("channel", "unknown_channel", ref)],
        )
    return str(channel["id"])


def create_rule(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    channel_id = resolve_channel(uow, values.pop("channel", None))
    _check(values["kind"], values["params"], values["action"], values.get("hold_type"))
    repo = uow.repo(RuleRepository)
    if repo.code_taken(values["code"]):
        raise Conflict("rule_code_taken", f"a rule with code '{values['code']}' exists")
    now = utcnow()
    row = {
        "id": new_id("rul"),
        **values,
        "params": _stored_params(values["params"]),
        "channel_id": channel_id,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    repo.add(row)
    data = {k: row[k] for k in ("code", "kind", "params", "action", "hold_type", "active")}
    uow.emit(DomainEvent("rule.created", "rule", row["id"], data, channel_id=channel_id))
    return row


def get_rule(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    row = uow.repo(RuleRepository).get(ref)
    if row is None:
        raise not_found("rule", ref)
    return row


def update_rule(
    uow: UnitOfWork, ref: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_rule(uow, ref)
    check_version("rule", expected_version, current["version"])
    merged = {**current, **changes}
    _check(merged["kind"], merged["params"], merged["action"], merged["hold_type"])
    if "params" in changes:
        changes["params"] = _stored_params(changes["params"])
    if changes and not uow.repo(RuleRepository).update(current["id"], current["version"], changes):
        raise PreconditionFailed("version_mismatch", "the rule changed meanwhile: reload it")
    before = {k: current[k] for k in changes}
    uow.emit(
        DomainEvent(
            "rule.updated",
            "rule",
            current["id"],
            {"code": current["code"], "before": before, "after": changes},
            channel_id=current["channel_id"],
        )
    )
    return get_rule(uow, current["id"])


def delete_rule(uow: UnitOfWork, ref: str, expected_version: int | None) -> None:
    current = get_rule(uow, ref)
    check_version("rule", expected_version, current["version"])
    if not uow.repo(RuleRepository).delete(current["id"], current["version"]):
        raise PreconditionFailed("version_mismatch", "the rule changed meanwhile: reload it")
    uow.emit(
        DomainEvent(
            "rule.deleted",
            "rule",
            current["id"],
            {"code": current["code"], "kind": current["kind"]},
            channel_id=current["channel_id"],
        )
    )
