"""Customers context."""
