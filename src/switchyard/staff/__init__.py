"""Staff users of the console: accounts, roles and sign-in sessions."""
