"""Sourcing context."""
