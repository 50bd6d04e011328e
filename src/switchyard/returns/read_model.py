"""The API's shape of a return and of a refund."""

from __future__ import annotations

from typing import Any

from switchyard.returns.domain import Return


def return_view(ret: Return) -> dict[str, Any]:
    return {
        "id": ret.id,
        "order_id": ret.order_id,
        "kind": ret.kind,
        "source": ret.source,
        "status": ret.status,
        "shipping_paid_by": ret.shipping_paid_by,
        "location_id": ret.location_id,
        "carrier": ret.carrier,
        "tracking_number": ret.tracking_number,
        "label_url": f"/api/v1/returns/{ret.id}/label.pdf" if ret.tracking_number else None,
        "replacement_order_id": ret.replacement_order_id,
        "note": ret.note,
        "version": ret.version,
        "created_at": ret.created_at.isoformat(),
        "received_at": ret.received_at.isoformat() if ret.received_at else None,
        "lines": [ln.view() for ln in ret.lines],
    }


def refund_view(row: dict[str, Any]) -> dict[str, Any]:
    money = ("goods", "shipping", "fee", "adjustment", "amount", "tax")
    return {
        **{k: row[k] for k in ("id", "order_id", "return_id", "currency", "reason")},
        **{k: f"{row[k]:.2f}" for k in money},
        "lines": row["lines"],
        "transactions": row["transactions"],
        "credit_notes": row["credit_notes"],
        "created_at": row["created_at"].isoformat(),
    }
