"""Orders from other systems: CSV files, X12 850, EDIFACT ORDERS, Shopify webhooks.

An inbound message is stored raw first, then parsed and mapped to ``OrderCreate`` and
placed through ``placement.place.place_order``, one transaction per order.
"""
