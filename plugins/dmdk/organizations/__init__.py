"""The organization profile: found in the register, completed step by step in a wizard, registered by its head."""
