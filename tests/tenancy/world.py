"""Populated tenants for route-walking tests: the shipped world of ``core.testing.world`` (kept as an alias)."""

from core.testing.world import ROLES, Site, populate

__all__ = ["ROLES", "Site", "populate"]
