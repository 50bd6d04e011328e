"""Customer notifications: an email at every step of the order (see docs/notifications.md)."""
