"""Every route and API endpoint: a user of tenant A asking for tenant B's objects gets 404 (the shipped suite)."""

from core.testing.suites import TestCrossTenantProbe  # noqa: F401 - pytest runs the shipped suite here
