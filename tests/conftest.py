"""Shared test setup. The fixtures themselves live in ``core.testing.fixtures`` (an installed pytest plugin)."""

from core.testing.fixtures import tenant_path

__all__ = ["tenant_path"]
