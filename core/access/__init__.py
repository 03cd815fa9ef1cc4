"""Access control: permissions registered by core and plugins, roles, assignments, one guard."""
