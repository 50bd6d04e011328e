"""Imports every context's tables so ``metadata`` holds the whole schema (for migrations)."""

from switchyard.api import idempotency_store
from switchyard.auth import tables as auth_tables
from switchyard.catalog import tables as catalog_tables
from switchyard.channels import tables as channel_tables
from switchyard.customers import tables as customer_tables
from switchyard.db.metadata import metadata
from switchyard.events import tables as event_tables
from switchyard.fulfillment import tables as fulfillment_tables
from switchyard.inventory import tables as inventory_tables
from switchyard.locations import tables as location_tables
from switchyard.orders import tables as order_tables

__all__ = [
    "auth_tables",
    "catalog_tables",
    "channel_tables",
    "customer_tables",
    "event_tables",
    "fulfillment_tables",
    "idempotency_store",
    "inventory_tables",
    "location_tables",
    "metadata",
    "order_tables",
]
