"""Compliance context: the restricted-party list, the embargo list and screening settings."""
