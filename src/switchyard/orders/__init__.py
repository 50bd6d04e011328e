"""Orders context."""
