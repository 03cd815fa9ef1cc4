"""Per-tenant settings of core features (payment gateway, registry layout …), validated by schemas."""
