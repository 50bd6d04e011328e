"""Catalog context."""
