"""The ops console over HTTP: pages, forms, sign-in, permissions (SQLite and PostgreSQL)."""
