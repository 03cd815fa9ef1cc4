"""Fixtures of the housing tests."""

from tests.plugins.housing.world import housing_world  # noqa: F401 - a management company with residents
