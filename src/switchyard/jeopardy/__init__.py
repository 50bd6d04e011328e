"""Jeopardy: open orders checked against their promises, flagged before they are late."""
