"""Compliance use cases: screening settings, the embargo list, and what order validation
needs (``compliance_inputs``). They never commit: Database.run does."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from switchyard.compliance.cache import GenerationCache
from switchyard.compliance.domain import DEFAULT_SETTINGS, validate_embargo, validate_settings
from switchyard.compliance.party_list import ensure_state, screener
from switchyard.compliance.repository import ComplianceRepository
from switchyard.db.ttl_cache import TTLCache
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, PreconditionFailed, check_version, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.orders.validation.model import Compliance, Embargo

_embargo_lists: GenerationCache[Mapping[str, Embargo]] = GenerationCache(size=4)
NO_EMBARGOES: Mapping[str, Embargo] = MappingProxyType({})
# The settings row, per process for up to ``master_data_ttl`` seconds (``db.ttl_cache``).
_states = TTLCache("compliance.state")


def compliance_inputs(uow: UnitOfWork) -> Compliance:
    """Embargoes, screener and settings for ``ValidationContext.compliance``.

    The settings row is cached per process (``db.ttl_cache``); the screener and embargo
    map are rebuilt only after a list changed (see ``cache.GenerationCache``).
    """
    (state,) = _states.get(uow.conn, "state", lambda: (uow.repo(ComplianceRepository).state(),))
    if state is None:
        return Compliance()
    return Compliance(
        embargoes=_embargo_map(uow, state["embargo_generation"]),
        screener=screener(uow, state["party_list_generation"]),
        screening_threshold=state["screening_threshold"],
        hold_unscreenable_names=state["hold_unscreenable_names"],
    )


def _embargo_map(uow: UnitOfWork, generation: str | None) -> Mapping[str, Embargo]:
    if generation is None:
        return NO_EMBARGOES

    def build() -> tuple[Mapping[str, Embargo], bool]:
        repo = uow.repo(ComplianceRepository)
        rows = repo.all_embargoes()
        built = {
            r["country_code"]: Embargo(r["country_code"], r["action"], r["reason"]) for r in rows
        }
        current = (repo.state() or {}).get("embargo_generation") == generation
        return MappingProxyType(built), current

    return _embargo_lists.get_or_build(generation, build)


# settings


def get_settings(uow: UnitOfWork) -> dict[str, Any]:
    state = uow.repo(ComplianceRepository).state()
    if state is None:
        return {**DEFAULT_SETTINGS, "version": 1, "updated_at": None}
    return {k: state[k] for k in (*DEFAULT_SETTINGS, "version", "updated_at")}


def update_settings(
    uow: UnitOfWork, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    validate_settings(changes)
    state = ensure_state(uow)
    check_version("compliance settings", expected_version, state["version"])
    if changes and not uow.repo(ComplianceRepository).update_settings(state["version"], changes):
        raise PreconditionFailed("version_mismatch", "the settings changed meanwhile: reload")
    before = {k: state[k] for k in changes}
    uow.emit(
        DomainEvent(
            "compliance.settings_updated",
            "compliance_settings",
            "default",
            {"before": before, "after": changes},
        )
    )
    return get_settings(uow)


# embargoes


def _touch_embargoes(uow: UnitOfWork) -> None:
    ensure_state(uow)
    uow.repo(ComplianceRepository).set_state({"embargo_generation": new_id("emg")})


def get_embargo(uow: UnitOfWork, country_code: str) -> dict[str, Any]:
    row = uow.repo(ComplianceRepository).embargo(country_code.upper())
    if row is None:
        raise not_found("embargo", country_code)
    return row


def add_embargo(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    values = {"action": "error", "reason": "", **values}
    values["country_code"] = values["country_code"].upper()
    validate_embargo(values)
    repo = uow.repo(ComplianceRepository)
    _touch_embargoes(uow)  # also serialises concurrent embargo changes
    if repo.embargo(values["country_code"]) is not None:
        raise Conflict("embargo_exists", f"{values['country_code']} is already on the embargo list")
    now = utcnow()
    row = {"id": new_id("emb"), **values, "version": 1, "created_at": now, "updated_at": now}
    repo.add_embargo(row)
    uow.emit(DomainEvent("compliance.embargo_added", "embargo", row["id"], dict(values)))
    return row


def update_embargo(
    uow: UnitOfWork, country_code: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_embargo(uow, country_code)
    check_version("embargo", expected_version, current["version"])
    validate_embargo(changes)
    _touch_embargoes(uow)
    repo = uow.repo(ComplianceRepository)
    if changes and not repo.update_embargo(current["id"], current["version"], changes):
        raise PreconditionFailed("version_mismatch", "the embargo changed meanwhile: reload it")
    before = {k: current[k] for k in changes}
    uow.emit(
        DomainEvent(
            "compliance.embargo_updated",
            "embargo",
            current["id"],
            {"country_code": current["country_code"], "before": before, "after": changes},
        )
    )
    return get_embargo(uow, current["country_code"])


def remove_embargo(uow: UnitOfWork, country_code: str, expected_version: int | None) -> None:
    current = get_embargo(uow, country_code)
    check_version("embargo", expected_version, current["version"])
    _touch_embargoes(uow)
    if not uow.repo(ComplianceRepository).delete_embargo(current["id"], current["version"]):
        raise PreconditionFailed("version_mismatch", "the embargo changed meanwhile: reload it")
    uow.emit(
        DomainEvent(
            "compliance.embargo_removed",
            "embargo",
            current["id"],
            {"country_code": current["country_code"]},
        )
    )
