"""Webhooks context: subscriptions, fan-out from the outbox, signed delivery with retries."""
