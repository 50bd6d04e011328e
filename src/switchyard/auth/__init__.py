"""Auth: API keys with scopes, optionally restricted to locations."""
