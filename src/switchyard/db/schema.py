"""Imports every context's tables so ``metadata`` holds the whole schema (for migrations)."""

from switchyard.api import idempotency_store
from switchyard.auth import tables as auth_tables
from switchyard.carriers import tables as carrier_tables
from switchyard.catalog import tables as catalog_tables
from switchyard.channels import tables as channel_tables
from switchyard.compliance import tables as compliance_tables
from switchyard.customers import tables as customer_tables
from switchyard.db.metadata import metadata
from switchyard.events import tables as event_tables
from switchyard.fulfillment import tables as fulfillment_tables
from switchyard.integrations import tables as integration_tables
from switchyard.inventory import tables as inventory_tables
from switchyard.invoicing import tables as invoicing_tables
from switchyard.jeopardy import tables as jeopardy_tables
from switchyard.locations import tables as location_tables
from switchyard.manufacturing import tables as manufacturing_tables
from switchyard.notifications import tables as notification_tables
from switchyard.orders import tables as order_tables
from switchyard.payments import tables as payment_tables
from switchyard.returns import tables as return_tables
from switchyard.rules import tables as rule_tables
from switchyard.sourcing import tables as sourcing_tables
from switchyard.staff import tables as staff_tables
from switchyard.webhooks import tables as webhook_tables

__all__ = [
    "auth_tables",
    "carrier_tables",
    "catalog_tables",
    "channel_tables",
    "compliance_tables",
    "customer_tables",
    "event_tables",
    "fulfillment_tables",
    "idempotency_store",
    "integration_tables",
    "inventory_tables",
    "invoicing_tables",
    "jeopardy_tables",
    "location_tables",
    "manufacturing_tables",
    "metadata",
    "notification_tables",
    "order_tables",
    "payment_tables",
    "return_tables",
    "rule_tables",
    "sourcing_tables",
    "staff_tables",
    "webhook_tables",
]
