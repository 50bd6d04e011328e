"""Locations context."""
