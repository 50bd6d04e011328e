"""Fulfillment context."""
