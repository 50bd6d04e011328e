"""``/console/settings``: the index of the admin's settings sections.

Each section is a module of its own (``settings_users``, ``settings_keys``, ...) that
checks the scope its API endpoints check and calls the same use cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console import (
    settings_carriers,
    settings_channels,
    settings_compliance,
    settings_keys,
    settings_locations,
    settings_rules,
    settings_sourcing,
    settings_users,
    settings_webhooks,
)
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import Staff, allowed, render, require

_index = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@dataclass(frozen=True)
class Section:
    title: str
    href: str
    scope: str
    about: str


SECTIONS = (
    Section("Users", "/console/settings/users", "admin", "Staff accounts, roles, passwords."),
    Section("Roles", "/console/settings/roles", "admin", "What each role may do (its scopes)."),
    Section("API keys", "/console/settings/api-keys", "admin", "Keys for systems; revoke."),
    Section("Channels", "/console/settings/channels", "channels:read", "Sales channels."),
    Section("Locations", "/console/settings/locations", "locations:read", "Stores, warehouses."),
    Section(
        "Sourcing profiles",
        "/console/settings/sourcing",
        "sourcing:read",
        "How each channel's orders are sourced; versions and activation.",
    ),
    Section(
        "Company rules", "/console/settings/rules", "rules:read", "Order limits, blocks, holds."
    ),
    Section(
        "Compliance",
        "/console/settings/compliance",
        "compliance:read",
        "Denied parties, embargoes, screening.",
    ),
    Section("Carriers", "/console/settings/carriers", "carriers:read", "Services and rates."),
    Section(
        "Webhooks", "/console/settings/webhooks", "webhooks:write", "Endpoints and deliveries."
    ),
)


def sections(staff: Staff) -> list[Section]:
    return [s for s in SECTIONS if allowed(staff, s.scope)]


@_index.get("/settings")
async def index(request: Request, staff: Staff) -> Response:
    require(staff, "admin")
    return render(request, "settings/index.html", sections=sections(staff))


# The index and every section, mounted by the console's ``PAGES`` as one router.
router = APIRouter()
router.include_router(_index)
for _section in (
    settings_users,
    settings_keys,
    settings_channels,
    settings_locations,
    settings_sourcing,
    settings_rules,
    settings_compliance,
    settings_carriers,
    settings_webhooks,
):
    router.include_router(_section.router)
