"""``/console/settings/rules``: company rules (``/api/v1/rules``, scope ``rules``): list,
create, change, delete. A rule's parameters are a JSON document checked by the rule's
kind, exactly as over the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from switchyard.channels.repository import ChannelRepository
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    checked,
    flash,
    json_value,
    listing,
    optional,
    parse,
    pretty,
    text,
    version,
)
from switchyard.console.web import FormErrors, Staff, allowed, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.orders.validation.company_rules import KINDS
from switchyard.orders.validation.model import ACTIONS, HOLD_TYPES
from switchyard.rules import service
from switchyard.rules.repository import RuleRepository
from switchyard.rules.schemas import RuleCreate, RuleUpdate

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
EXAMPLES = {
    "max_order_value": '{"amount": "5000.00", "currency": "EUR"}',
    "max_quantity_per_sku": '{"max_quantity": 20}',
    "blocked_customer": '{"emails": ["fraud@example.com"], "domains": ["spam.example"]}',
    "po_required": '{"channel_types": ["b2b"]}',
}


def _choices(values: Any) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in values]


def _channel_codes(uow: UnitOfWork, rows: list[dict[str, Any]]) -> dict[str, str]:
    repo = uow.repo(ChannelRepository)
    ids = sorted({r["channel_id"] for r in rows if r["channel_id"]})
    return {i: row["code"] for i, row in ((i, repo.get(i)) for i in ids) if row}


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "kinds": _choices(KINDS),
        "actions": _choices(ACTIONS),
        "hold_types": [("", "The kind's default"), *_choices(HOLD_TYPES)],
        "examples": EXAMPLES,
        **extra,
    }


@router.get("/settings/rules")
async def rule_list(request: Request, staff: Staff) -> Response:
    require(staff, "rules:read")
    after = after_id(request)

    def query(uow: UnitOfWork) -> dict[str, Any]:
        rows = uow.repo(RuleRepository).page(
            channel_id=None,
            global_only=False,
            kind=None,
            active=None,
            after_id=after,
            limit=PAGE_SIZE + 1,
        )
        return {"rules": listing(rows), "channels": _channel_codes(uow, rows)}

    data = await run(request, staff, query, read_only=True)
    return render(
        request,
        "settings/rules.html",
        can_edit=allowed(staff, "rules:write"),
        flash=flash(request),
        **_context(values={"action": "hold", "active": True, "params": ""}, **data),
    )


def _new_values(form: FormData) -> dict[str, Any]:
    return {
        **{k: text(form, k, 600) for k in ("code", "description", "kind", "channel", "action")},
        "hold_type": text(form, "hold_type", 40),
        "params": text(form, "params"),
        "active": checked(form, "active"),
    }


@router.post("/settings/rules")
async def create(request: Request, staff: Staff) -> Response:
    require(staff, "rules:write")
    form = await request.form()
    values = _new_values(form)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            RuleCreate,
            {
                **{k: values[k] for k in ("code", "description", "kind", "action", "active")},
                "channel": optional(form, "channel", 64),
                "hold_type": optional(form, "hold_type", 40),
                "params": json_value(form, "params", default={}),
            },
        )
        return service.create_rule(uow, body.model_dump())

    try:
        row = await run(request, staff, use_case)
    except SwitchyardError as exc:
        return render(
            request,
            "settings/rule_new.html",
            status=exc.status,
            errors=FormErrors.of(exc),
            **_context(values=values),
        )
    return redirect(request, f"/console/settings/rules/{row['id']}?done=created")


def _rule(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    row = service.get_rule(uow, ref)
    return {**row, "channel_code": _channel_codes(uow, [row]).get(row["channel_id"] or "")}


def _rule_page(
    request: Request,
    staff: Staff,
    row: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    current = {
        **{k: row[k] for k in ("description", "action", "active", "version")},
        "hold_type": row["hold_type"] or "",
        "params": pretty(row["params"]),
    }
    return render(
        request,
        "settings/rule.html",
        status=status,
        rule=row,
        errors=errors,
        can_edit=allowed(staff, "rules:write"),
        flash=flash(request),
        **_context(values=values or current),
    )


@router.get("/settings/rules/{ref}")
async def rule(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "rules:read")
    row = await run(request, staff, lambda uow: _rule(uow, ref), read_only=True)
    return _rule_page(request, staff, row)


@router.post("/settings/rules/{ref}")
async def change(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "rules:write")
    form = await request.form()
    values = {
        **{k: text(form, k, 600) for k in ("description", "action", "hold_type", "version")},
        "params": text(form, "params"),
        "active": checked(form, "active"),
    }

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            RuleUpdate,
            {
                "description": values["description"],
                "action": values["action"],
                "hold_type": optional(form, "hold_type", 40),  # empty: the kind's default
                "active": values["active"],
                "params": json_value(form, "params", default={}),
                "version": version(form),
            },
        )
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return service.update_rule(uow, ref, changes, body.version)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        row = await run(request, staff, lambda uow: _rule(uow, ref), read_only=True)
        return _rule_page(request, staff, row, values, FormErrors.of(exc), exc.status)
    return redirect(request, f"/console/settings/rules/{ref}?done=saved")


@router.post("/settings/rules/{ref}/delete")
async def delete(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "rules:write")
    form = await request.form()
    expected = version(form)
    await run(request, staff, lambda uow: service.delete_rule(uow, ref, expected))
    return redirect(request, "/console/settings/rules?done=deleted")
