"""Identity: users of a tenant, sessions and API tokens, passwords, login throttling, profile."""
