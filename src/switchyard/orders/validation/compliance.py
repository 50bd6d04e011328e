"""Trade compliance: embargoed destinations and denied-party screening.

* ``embargoed_country``: the ship-to or bill-to country is on the embargo list; each
  embargo says whether that rejects the order (``error``, the default) or holds it for a
  compliance officer (``hold``, e.g. for sectoral sanctions).
* ``denied_party_match``: the customer's name, or the name or company on an address,
  matches the restricted-party list at or above the screening threshold: always a
  ``compliance`` hold, with the listed name, source and score in the finding's details.
* ``name_not_screenable``: a name is written in a script the list cannot be compared with
  (e.g. Han or Arabic letters): a ``compliance`` hold unless the compliance settings turn
  ``hold_unscreenable_names`` off. A name is never silently passed unscreened.

With no list loaded (an empty screener) screening finds nothing: loading a list is how
screening is switched on, and the compliance API refuses to load an empty one.
"""

from __future__ import annotations

from collections.abc import Iterator

from switchyard.orders.validation.model import (
    Finding,
    OrderToValidate,
    ValidationContext,
    by_action,
    hold,
)
from switchyard.orders.validation.workspace import Workspace


def check_embargo(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    embargoes = ctx.compliance.embargoes
    for prefix, address in work.addresses():
        country = str(address.get("country_code") or "").upper()
        embargo = embargoes.get(country)
        if embargo is None:
            continue
        reason = f": {embargo.reason}" if embargo.reason else ""
        yield by_action(
            embargo.action,
            "compliance",
            "embargoed_country",
            f"{prefix}.country_code",
            f"{country} is under embargo{reason}",
            country_code=country,
        )


def names_to_screen(order: OrderToValidate, work: Workspace) -> list[tuple[str, str]]:
    """``(field, name)`` for every party named on the order, each name once."""
    found = [("customer.name", order.customer.name)]
    for prefix, address in work.addresses():
        found += [(f"{prefix}.name", address.get("name"))]
        found += [(f"{prefix}.company", address.get("company"))]
    seen: set[str] = set()
    result = []
    for field, name in found:
        if isinstance(name, str) and name.strip() and name.strip().lower() not in seen:
            seen.add(name.strip().lower())
            result.append((field, name.strip()))
    return result


def check_denied_parties(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    compliance = ctx.compliance
    if not len(compliance.screener):
        return
    for field, name in names_to_screen(order, work):
        screening = compliance.screener.screen(name, compliance.screening_threshold)
        match = screening.match
        if match is not None:
            party = match.party
            yield hold(
                "compliance",
                "denied_party_match",
                field,
                f"'{name}' matches '{match.matched_name}' on {party.source or 'the list'}"
                f" (score {match.score:g})",
                party_id=party.id,
                listed_name=party.name,
                matched_name=match.matched_name,
                source=party.source,
                programs=list(party.programs),
                score=match.score,
                method=match.method,
            )
        elif not screening.screenable and compliance.hold_unscreenable_names:
            yield hold(
                "compliance",
                "name_not_screenable",
                field,
                f"'{name}' has letters the restricted-party list cannot be compared with;"
                " check it by hand",
            )
