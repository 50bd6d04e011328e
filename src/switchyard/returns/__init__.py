"""Returns, refunds, exchanges and claims (issue 16)."""
