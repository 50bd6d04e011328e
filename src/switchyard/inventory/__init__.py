"""Inventory context."""
