from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel


class InvoiceLineRead(BaseModel):
    line_no: int
    order_line_id: str | None
    sku: str | None
    description: str
    quantity: int
    unit_price: str
    discount: str
    net: str
    tax_rate: str
    tax: str
    gross: str


class TaxRead(BaseModel):
    rate: str
    net: str
    tax: str
    gross: str


class InvoiceRead(BaseModel):
    id: str
    number: str
    kind: str
    order_id: str
    fulfillment_id: str | None
    credit_note_for: str | None
    status: str
    overdue: bool
    currency: str
    issued_at: datetime
    due_date: date
    payment_terms_days: int
    seller: dict[str, Any]
    buyer: dict[str, Any]
    lines: list[InvoiceLineRead]
    taxes: list[TaxRead]
    net_total: str
    tax_total: str
    gross_total: str
    amount_paid: str
    amount_due: str
    pdf_url: str
