"""The platform administrator's area (on the platform tenant's site): every tenant, suspend/activate."""
