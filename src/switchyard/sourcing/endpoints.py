"""Sourcing profiles and location settings over HTTP (scope ``sourcing``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, SourcingRead, SourcingWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.sourcing import location_settings, profiles
from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.profile_repository import ProfileRepository
from switchyard.sourcing.profiles import channel_row
from switchyard.sourcing.schemas import (
    LocationSettingsIn,
    LocationSettingsRead,
    ProfileCreate,
    ProfileRead,
    ProfileUpdate,
)

router = APIRouter(prefix="/sourcing", tags=["sourcing"])
PROFILE_STATUSES = ("draft", "active", "retired")


@router.post("/profiles", status_code=201, response_model=ProfileRead)
def create_profile(
    body: ProfileCreate, request: Request, db: DbDep, principal: SourcingWrite
) -> JSONResponse:
    """A new draft version of a channel's profile (from scratch or ``based_on`` another);
    it is used for orders once activated. Honours ``Idempotency-Key``."""
    values = body.model_dump(exclude_unset=True)

    def use_case(uow: UnitOfWork) -> ProfileRead:
        return ProfileRead(**profiles.create_profile(uow, values))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["revision"]}"'}
    )


@router.get("/profiles", response_model=Page[ProfileRead])
def list_profiles(
    db: DbDep,
    principal: SourcingRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    channel: str | None = None,
    status: Annotated[str | None, choice_of(PROFILE_STATUSES, "profile status")] = None,
) -> Page[ProfileRead]:
    check_choice("status", status, PROFILE_STATUSES, "a profile status")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[ProfileRead]:
        channel_id = channel_row(uow, channel, "query.channel")["id"] if channel else None
        rows = uow.repo(ProfileRepository).page_profiles(
            channel_id=channel_id,
            status=status,
            after_id=after[0] if after else None,
            limit=limit,
        )
        return [ProfileRead(**profiles.view(r)) for r in rows]

    items = db.run(principal.actor, query, read_only=True)
    return page_of(items, limit, lambda p: [p.id])


@router.get("/profiles/{profile_id}", response_model=ProfileRead)
def get_profile(
    profile_id: str, response: Response, db: DbDep, principal: SourcingRead
) -> ProfileRead:
    row = db.run(principal.actor, lambda uow: profiles.get_profile(uow, profile_id), read_only=True)
    set_etag(response, row["revision"])
    return ProfileRead(**profiles.view(row))


@router.patch("/profiles/{profile_id}", response_model=ProfileRead)
def update_profile(
    profile_id: str,
    body: ProfileUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: SourcingWrite,
) -> ProfileRead:
    """Change a draft (If-Match); active and retired versions are read-only (409)."""
    expected = expected_version(request, body.revision)
    values = body.model_dump(exclude_unset=True, exclude={"revision"})
    row = db.run(
        principal.actor, lambda uow: profiles.update_profile(uow, profile_id, values, expected)
    )
    set_etag(response, row["revision"])
    return ProfileRead(**row)


@router.post("/profiles/{profile_id}/activate", response_model=ProfileRead)
def activate_profile(
    profile_id: str, request: Request, response: Response, db: DbDep, principal: SourcingWrite
) -> ProfileRead:
    """Make this version the channel's active profile; the one before is retired."""
    expected = expected_version(request)
    row = db.run(principal.actor, lambda uow: profiles.activate(uow, profile_id, expected))
    set_etag(response, row["revision"])
    return ProfileRead(**row)


@router.get("/active-profiles/{channel}", response_model=ProfileRead)
def active_profile(channel: str, db: DbDep, principal: SourcingRead) -> ProfileRead:
    """The profile the channel's orders are sourced with now (the default if none)."""
    row = db.run(
        principal.actor, lambda uow: profiles.effective_profile(uow, channel), read_only=True
    )
    return ProfileRead(**row)


@router.get("/cost-models/default")
def default_costs(principal: SourcingRead, currency: str = "EUR") -> dict[str, Any]:
    """The default cost model, a starting point to edit."""
    return default_cost_model(currency.upper()[:3]).as_dict()


@router.get("/locations/{ref}", response_model=LocationSettingsRead)
def get_location_settings(ref: str, db: DbDep, principal: SourcingRead) -> LocationSettingsRead:
    row = db.run(
        principal.actor, lambda uow: location_settings.location_settings(uow, ref), read_only=True
    )
    return LocationSettingsRead(**row)


@router.put("/locations/{ref}", response_model=LocationSettingsRead)
def put_location_settings(
    ref: str, body: LocationSettingsIn, db: DbDep, principal: SourcingWrite
) -> LocationSettingsRead:
    """Priority, networks, handling days, holidays, opening hours, pickup preparation."""
    values = body.model_dump()
    row = db.run(
        principal.actor,
        lambda uow: location_settings.put_location_settings(uow, ref, values),
    )
    return LocationSettingsRead(**row)
