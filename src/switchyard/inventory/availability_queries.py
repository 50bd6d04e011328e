"""Availability statements, built once per shape and reused with bound parameters.

Availability is the hottest read in the system: building SQLAlchemy statements on every
request cost as much as running them, so each shape (with or without a channel, a
location filter, a cursor) is built once. Parameters: ``sku_ids`` / ``kit_ids`` /
``location_ids`` (lists), ``channel_id``, ``now``, ``after_id``, ``limit``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from switchyard.catalog.tables import kit_components, skus
from switchyard.channels.tables import channel_locations
from switchyard.inventory.domain import OPEN
from switchyard.inventory.tables import (
    channel_inventory_settings,
    channel_protections,
    purchase_order_lines,
    purchase_orders,
    reservations,
    stock_levels,
    transfer_lines,
    transfers,
)
from switchyard.locations.tables import locations

S = stock_levels.c
R = reservations.c
PO = purchase_orders.c
POL = purchase_order_lines.c
T = transfers.c
TL = transfer_lines.c
K = kit_components.c


def _expired() -> Any:
    """Units of open reservations past their expiry, per balance (not yet swept)."""
    return (
        select(R.sku_id, R.location_id, func.sum(R.quantity).label("expired"))
        .where(R.status == OPEN, R.expires_at <= bindparam("now"))
        .group_by(R.sku_id, R.location_id)
        .subquery("expired")
    )


def _available(expired: Any) -> ColumnElement[int]:
    free = S.on_hand - S.reserved + func.coalesce(expired.c.expired, 0) - S.safety_stock
    return case((free > 0, free), else_=literal(0))


def _in_scope(channel: bool, located: bool, column: Any = S.location_id) -> ColumnElement[bool]:
    """Active locations, the channel's (none assigned: all), and only ``location_ids``."""
    active = select(locations.c.id).where(locations.c.active.is_(True))
    if located:
        active = active.where(locations.c.id.in_(bindparam("location_ids", expanding=True)))
    clause: ColumnElement[bool] = column.in_(active)
    if channel:
        assigned = channel_locations.c.channel_id == bindparam("channel_id")
        clause = and_(
            clause,
            or_(
                ~exists().where(assigned),
                column.in_(select(channel_locations.c.location_id).where(assigned)),
            ),
        )
    return clause


def _expired_join(expired: Any) -> ColumnElement[bool]:
    return and_(expired.c.sku_id == S.sku_id, expired.c.location_id == S.location_id)


@cache
def balances(channel: bool, located: bool) -> Select[Any]:
    expired = _expired()
    return (
        select(
            S.sku_id,
            S.location_id,
            locations.c.code.label("location_code"),
            S.on_hand,
            S.reserved,
            S.safety_stock,
            S.reorder_point,
            _available(expired).label("available"),
        )
        .join(locations, locations.c.id == S.location_id)
        .outerjoin(expired, _expired_join(expired))
        .where(S.sku_id.in_(bindparam("sku_ids", expanding=True)), _in_scope(channel, located))
        .order_by(S.sku_id, S.location_id)
    )


@cache
def incoming(channel: bool, located: bool) -> Any:
    sku_ids: Any = bindparam("sku_ids", expanding=True)
    po = (
        select(
            POL.sku_id,
            PO.location_id,
            PO.eta,
            (POL.quantity - POL.received).label("quantity"),
            POL.preordered,
            literal("purchase_order").label("source"),
            PO.id.label("source_id"),
        )
        .join(purchase_orders, PO.id == POL.purchase_order_id)
        .where(
            PO.status == "open",
            POL.sku_id.in_(sku_ids),
            POL.quantity > POL.received,
            _in_scope(channel, located, PO.location_id),
        )
    )
    tr = (
        select(
            TL.sku_id,
            T.to_location_id.label("location_id"),
            T.eta,
            (TL.quantity - TL.received).label("quantity"),
            literal(0).label("preordered"),
            literal("transfer").label("source"),
            T.id.label("source_id"),
        )
        .join(transfers, T.id == TL.transfer_id)
        .where(
            T.status == "in_transit",
            TL.sku_id.in_(sku_ids),
            TL.quantity > TL.received,
            _in_scope(channel, located, T.to_location_id),
        )
    )
    return union_all(po, tr)


@cache
def skus_by_ref() -> Select[Any]:
    refs: Any = bindparam("refs", expanding=True)
    return select(skus.c.id, skus.c.sku, skus.c.is_kit, skus.c.active).where(
        or_(skus.c.id.in_(refs), skus.c.sku.in_(refs))
    )


@cache
def protections() -> Any:
    """Per-SKU protections and the channel default (sku_id NULL) in one statement."""
    per_sku = select(channel_protections.c.sku_id, channel_protections.c.quantity).where(
        channel_protections.c.channel_id == bindparam("channel_id"),
        channel_protections.c.sku_id.in_(bindparam("sku_ids", expanding=True)),
    )
    default = select(literal(None).label("sku_id"), channel_inventory_settings.c.protection).where(
        channel_inventory_settings.c.channel_id == bindparam("channel_id")
    )
    return per_sku.union_all(default)


@cache
def feed_page(after: bool) -> Select[Any]:
    """A page of active SKUs with the channel's available total and protection."""
    page = select(skus.c.id, skus.c.sku, skus.c.is_kit).where(skus.c.active.is_(True))
    if after:
        page = page.where(skus.c.id > bindparam("after_id"))
    page_q = page.order_by(skus.c.id).limit(bindparam("limit")).subquery("page")
    expired = _expired()
    default = (
        select(channel_inventory_settings.c.protection)
        .where(channel_inventory_settings.c.channel_id == bindparam("channel_id"))
        .scalar_subquery()
    )
    return (
        select(
            page_q.c.id,
            page_q.c.sku,
            page_q.c.is_kit,
            func.coalesce(func.sum(_available(expired)), 0).label("available"),
            func.coalesce(func.max(channel_protections.c.quantity), default, 0).label("protection"),
        )
        .select_from(page_q)
        .outerjoin(stock_levels, and_(S.sku_id == page_q.c.id, _in_scope(True, False)))
        .outerjoin(expired, _expired_join(expired))
        .outerjoin(
            channel_protections,
            and_(
                channel_protections.c.sku_id == page_q.c.id,
                channel_protections.c.channel_id == bindparam("channel_id"),
            ),
        )
        .group_by(page_q.c.id, page_q.c.sku, page_q.c.is_kit)
        .order_by(page_q.c.id)
    )


@cache
def kit_balances(channel: bool) -> Select[Any]:
    """Per kit, component and location in scope: units per kit and available."""
    expired = _expired()
    return (
        select(
            K.kit_sku_id,
            K.component_sku_id,
            K.quantity,
            S.location_id,
            _available(expired).label("available"),
        )
        .select_from(kit_components)
        .join(stock_levels, and_(S.sku_id == K.component_sku_id, _in_scope(channel, False)))
        .outerjoin(expired, _expired_join(expired))
        .where(K.kit_sku_id.in_(bindparam("kit_ids", expanding=True)))
    )
