"""Payments: authorizations, captures, refunds and voids per order, with a ledger."""
