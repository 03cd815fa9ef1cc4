"""Every ``@hookimpl`` in core and in each installed plugin's package is registered (the shipped suite)."""

from core.testing.suites import TestHookimplsRegistered  # noqa: F401 - pytest runs the shipped suite here
