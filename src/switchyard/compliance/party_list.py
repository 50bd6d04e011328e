"""Restricted-party list use cases: load a CSL file, describe the list, screen a name."""

from __future__ import annotations

import hashlib
from typing import Any

from switchyard.compliance.cache import GenerationCache
from switchyard.compliance.csl import parse_csl
from switchyard.compliance.domain import DEFAULT_SETTINGS
from switchyard.compliance.repository import ComplianceRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.orders.validation.screening import DeniedParty, PartyScreener

_screeners: GenerationCache[PartyScreener] = GenerationCache(size=2)
EMPTY = PartyScreener.empty()


def ensure_state(uow: UnitOfWork) -> dict[str, Any]:
    """The compliance state row, created with default settings on first use, locked."""
    repo = uow.repo(ComplianceRepository)
    state = repo.state(lock=True)
    if state is None:
        repo.ensure_state(
            {**DEFAULT_SETTINGS, "party_count": 0, "version": 1, "updated_at": utcnow()}
        )
        state = repo.state(lock=True)
    assert state is not None
    return state


def load_party_list(
    uow: UnitOfWork, content: bytes, *, allow_empty: bool = False
) -> dict[str, Any]:
    """Replace the whole list with the parties of a CSL file, atomically."""
    parsed = parse_csl(content)
    if not parsed.parties and not allow_empty:
        raise ValidationFailed(
            "empty_party_list",
            "the file has no parties; loading it would switch screening off",
            [FieldError("body", "empty_party_list", "pass allow_empty=true to mean it")],
        )
    ensure_state(uow)  # locks the row: concurrent loads run one after the other
    repo = uow.repo(ComplianceRepository)
    generation = new_id("dpl")
    rows = [{"id": new_id("dpe"), **party} for party in parsed.parties]
    repo.replace_parties(rows)
    sha256 = hashlib.sha256(content).hexdigest()
    repo.set_state(
        {
            "party_list_generation": generation,
            "party_count": len(rows),
            "party_list_sha256": sha256,
            "party_list_loaded_at": utcnow(),
            "party_list_loaded_by": uow.actor.name[:200],
        }
    )
    info = party_list_info(uow)
    uow.emit(
        DomainEvent(
            "compliance.party_list_loaded",
            "party_list",
            generation,
            {"count": len(rows), "sha256": sha256, "sources": info["sources"]},
        )
    )
    return {
        **info,
        "skipped_rows": parsed.skipped_count,
        "skipped": parsed.skipped,
    }


def party_list_info(uow: UnitOfWork) -> dict[str, Any]:
    repo = uow.repo(ComplianceRepository)
    state = repo.state() or {}
    return {
        "generation": state.get("party_list_generation"),
        "count": state.get("party_count") or 0,
        "sha256": state.get("party_list_sha256"),
        "loaded_at": state.get("party_list_loaded_at"),
        "loaded_by": state.get("party_list_loaded_by"),
        "sources": repo.source_counts(),
    }


def screener(uow: UnitOfWork, generation: str | None) -> PartyScreener:
    """The screener of list ``generation``, built once per process and list load."""
    if generation is None:
        return EMPTY

    def build() -> tuple[PartyScreener, bool]:
        repo = uow.repo(ComplianceRepository)
        rows = repo.parties_for_screening()
        built = PartyScreener(
            DeniedParty(
                id=r["id"],
                name=r["name"],
                alt_names=tuple(r["alt_names"] or ()),
                source=r["source"],
                programs=tuple(r["programs"] or ()),
                countries=tuple(r["countries"] or ()),
                entity_type=r["entity_type"],
            )
            for r in rows
        )
        # a load committed between reading the generation and the rows: use, do not keep
        state = repo.state() or {}
        return built, state.get("party_list_generation") == generation

    return _screeners.get_or_build(generation, build)


def screen_name(uow: UnitOfWork, name: str, threshold: float | None) -> dict[str, Any]:
    """What order validation would say about one name (for compliance staff)."""
    state = uow.repo(ComplianceRepository).state() or {}
    used = threshold if threshold is not None else state.get("screening_threshold", 90.0)
    screening = screener(uow, state.get("party_list_generation")).screen(name, used)
    match = screening.match
    return {
        "name": name,
        "threshold": used,
        "screenable": screening.screenable,
        "match": None
        if match is None
        else {
            "party_id": match.party.id,
            "listed_name": match.party.name,
            "matched_name": match.matched_name,
            "source": match.party.source,
            "programs": list(match.party.programs),
            "score": match.score,
            "method": match.method,
        },
    }
