"""Test support for core and for plugin authors: a pytest plugin (``core.testing.fixtures``)."""
