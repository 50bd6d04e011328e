"""Channels context."""
