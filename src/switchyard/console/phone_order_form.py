"""The phone order form as data: what the agent typed (``Draft``), read from the posted
form whatever it holds, and the ``OrderCreate`` body it becomes.

Form field names: ``channel``, ``email``, ``name``, ``phone``, ``ship_<field>`` for the
shipping address, ``delivery_method``, ``pickup_location``, ``notes``, ``line-<i>-sku``
and ``line-<i>-quantity`` for the lines (renumbered 0.. on every render, so line ``i``
of the form is ``lines.i`` of the body), and ``idempotency_key`` (made when the form was
first rendered, kept on every re-render).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.orders.schemas import OrderCreate

MAX_LINES = 500
MAX_QUANTITY = 100_000
ADDRESS_FIELDS = ("name", "company", "line1", "line2", "postal_code", "city", "region")
COUNTRY = "country_code"
_KEY = re.compile(r"^[A-Z0-9]{8,64}$")
_LINE = re.compile(r"^line-(\d{1,4})-sku$")


def new_key() -> str:
    """The Idempotency-Key of one order being taken (also its external id's tail)."""
    return secrets.token_hex(8).upper()


def _text(form: FormData, name: str, limit: int = 300) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@dataclass
class Line:
    sku: str
    quantity: str  # as typed: checked when the order is built

    def amount(self) -> int | None:
        try:
            value = int(self.quantity)
        except ValueError:
            return None
        return value if 0 < value <= MAX_QUANTITY else None


@dataclass
class Draft:
    key: str = field(default_factory=new_key)
    channel: str = ""
    customer_id: str = ""
    customer_q: str = ""
    email: str = ""
    name: str = ""
    phone: str = ""
    ship: dict[str, str] = field(default_factory=lambda: {COUNTRY: "DE"})
    delivery_method: str = "ship"
    pickup_location: str = ""
    notes: str = ""
    sku_q: str = ""
    lines: list[Line] = field(default_factory=list)

    @classmethod
    def read(cls, form: FormData) -> Draft:
        key = _text(form, "idempotency_key", 64).upper()
        indices = sorted(int(m.group(1)) for k in form if (m := _LINE.match(k)) is not None)
        lines = [
            Line(_text(form, f"line-{i}-sku", 100), _text(form, f"line-{i}-quantity", 20))
            for i in indices[:MAX_LINES]
        ]
        method = _text(form, "delivery_method", 10)
        ship = {f: _text(form, f"ship_{f}") for f in ADDRESS_FIELDS}
        ship[COUNTRY] = _text(form, f"ship_{COUNTRY}", 2).upper()
        return cls(
            key=key if _KEY.match(key) else new_key(),
            channel=_text(form, "channel", 64),
            customer_id=_text(form, "customer_id", 40),
            customer_q=_text(form, "customer_q", 200),
            email=_text(form, "email", 320),
            name=_text(form, "name"),
            phone=_text(form, "phone", 40),
            ship=ship,
            delivery_method=method if method in ("ship", "pickup") else "ship",
            pickup_location=_text(form, "pickup_location", 64),
            notes=_text(form, "notes", 5000),
            sku_q=_text(form, "sku_q", 100),
            lines=[ln for ln in lines if ln.sku],
        )

    @property
    def external_id(self) -> str:
        return f"PHONE-{self.key}"

    def add(self, sku: str) -> int | None:
        """One more of ``sku``: its line's index (None when the order is full)."""
        code = sku.strip()[:100]
        for i, line in enumerate(self.lines):
            if line.sku == code:
                line.quantity = str(min((line.amount() or 0) + 1, MAX_QUANTITY))
                return i
        if len(self.lines) >= MAX_LINES:
            return None
        self.lines.append(Line(code, "1"))
        return len(self.lines) - 1

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.lines):
            del self.lines[index]

    def use_customer(self, row: dict[str, Any], address: dict[str, Any] | None) -> None:
        self.customer_id = row["id"]
        self.customer_q = ""
        self.email = row["email"] or ""
        self.name = row["name"] or ""
        self.phone = row["phone"] or ""
        if address:
            self.ship = {f: str(address.get(f) or "") for f in (*ADDRESS_FIELDS, COUNTRY)}
            self.phone = self.phone or str(address.get("phone") or "")
        if not self.ship.get("name"):
            self.ship["name"] = self.name

    def new_customer(self) -> None:
        self.customer_id = ""
        self.email = self.name = self.phone = ""
        self.ship = {COUNTRY: self.ship.get(COUNTRY) or "DE"}

    def address(self) -> dict[str, Any] | None:
        """The shipping address as the API takes it; None when nothing of it was typed."""
        values = {k: v for k, v in self.ship.items() if v}
        if not any(values.get(f) for f in ADDRESS_FIELDS):
            return None
        values.setdefault("name", self.name)  # the recipient is the caller unless named
        return {k: values.get(k) or None for k in (*ADDRESS_FIELDS, COUNTRY)} | {
            "phone": self.phone or None
        }

    def basket(self) -> list[tuple[str, int]]:
        """(SKU, quantity) of the lines whose quantity reads as one."""
        return [(ln.sku, n) for ln in self.lines if (n := ln.amount()) is not None]

    def payload(self) -> dict[str, Any]:
        """The order body as a JSON client would send it (values not checked yet)."""
        customer = {"email": self.email or None, "name": self.name or None}
        customer["phone"] = self.phone or None
        return {
            "channel": self.channel,
            "external_id": self.external_id,
            "customer": customer,
            "shipping_address": self.address(),
            "delivery_method": self.delivery_method,
            "pickup_location": (
                self.pickup_location or None if self.delivery_method == "pickup" else None
            ),
            "notes": self.notes or None,
            "attributes": {"captured_by": "phone"},
            "lines": [{"sku": ln.sku, "quantity": ln.quantity} for ln in self.lines],
        }

    def order(self) -> OrderCreate:
        """The body for ``place_order``; what does not parse is a 422 with every field,
        named the way the API names them (``lines.0.quantity``)."""
        body = self.payload()
        body["lines"] = [
            {"sku": ln.sku, "quantity": ln.amount() or ln.quantity} for ln in self.lines
        ]
        errors = [
            FieldError(f"lines.{i}.quantity", "invalid_quantity", "enter a whole number from 1")
            for i, ln in enumerate(self.lines)
            if ln.amount() is None
        ]
        if not self.lines:
            errors.append(FieldError("lines", "lines_required", "add at least one line"))
        try:
            cmd = OrderCreate.model_validate(body)
        except ValidationError as exc:
            errors += [
                FieldError(".".join(str(p) for p in e["loc"]), e["type"], e["msg"])
                for e in exc.errors()
            ]
        else:
            if not errors:
                return cmd
        raise ValidationFailed(
            "invalid_request", f"{len(errors)} field(s) are invalid", _one_per_field(errors)
        )


def _one_per_field(errors: list[FieldError]) -> list[FieldError]:
    seen: set[str] = set()
    kept = []
    for e in errors:
        if e.field not in seen:
            seen.add(e.field)
            kept.append(e)
    return kept


def form_name(path: str, lines: int) -> str:
    """The form field an API field path is shown beside (``lines.2.quantity`` →
    ``line-2-quantity``); unknown paths are returned as they are."""
    simple = {
        "channel": "channel",
        "customer.email": "email",
        "customer.name": "name",
        "customer.phone": "phone",
        "delivery_method": "delivery_method",
        "pickup_location": "pickup_location",
        "pickup_location_id": "pickup_location",
        "notes": "notes",
        "lines": "lines",
        "shipping_address": "ship_line1",
        "external_id": "form",
    }
    if path in simple:
        return simple[path]
    head, _, rest = path.partition(".")
    if head in ("shipping_address", "billing_address") and rest:
        part = rest.split(".")[0]
        if part == "phone":
            return "phone"
        return f"ship_{part}" if part in (*ADDRESS_FIELDS, COUNTRY) else "ship_line1"
    match = re.match(r"^lines\.(\d+)(?:\.(\w+))?", path)
    if match and int(match.group(1)) < lines:
        what = match.group(2)
        return f"line-{match.group(1)}-{'sku' if what == 'sku' else 'quantity'}"
    return path


def field_names(paths: list[str], lines: int) -> dict[str, str]:
    return {p: form_name(p, lines) for p in paths}
