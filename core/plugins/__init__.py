"""Plugin machinery: hookspecs, discovery, per-tenant enablement and settings."""
