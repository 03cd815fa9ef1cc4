"""The dmdk plugin in the test app, and its tables in the session's database.

Until the editable install is refreshed (``pip install -e .`` after the ``dmdk`` entry point was added to
``pyproject.toml``), ``importlib.metadata`` does not list the plugin: then these tests register it themselves
and migrate a database of their own with its branch. Once it is installed, the shared fixtures serve as they are.
"""

from __future__ import annotations

import importlib.metadata
import os

import pytest

import plugins.dmdk
from core.plugins.manager import ENTRY_POINT_GROUP
from tests.plugins.dmdk.market import market  # noqa: F401 - the batch tests' fixture

INSTALLED = "dmdk" in {entry.name for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}

if not INSTALLED:
    from core.testing import fixtures as shared

    @pytest.fixture(scope="session")
    def abonent_database(tmp_path_factory):
        """The shared fixture's database, migrated with the dmdk branch too."""
        from core.app import create_app
        from core.migrate import grant_app_role, upgrade

        server = os.environ.get("ABONENT_TEST_DATABASE_URL", "")
        instance = tmp_path_factory.mktemp("abonent-dmdk-instance")
        if server.startswith("postgresql"):
            owner_url, app_url, name = shared._create_postgres_database(server)
        else:
            owner_url = app_url = f"sqlite:///{instance / 'test.db'}"
            name = ""
        owner_app = create_app(
            {"DATABASE_URL": owner_url, "TESTING": True, "INSTANCE_DIR": str(instance)}, plugins=[plugins.dmdk]
        )
        with owner_app.app_context():
            upgrade(owner_app)
            grant_app_role(owner_app, shared.APP_ROLE)
        owner_app.extensions["abonent.db"].dispose()
        yield shared.TestDatabase(app_url=app_url, owner_url=owner_url)
        if name:
            shared._drop_postgres_database(server, name)

    @pytest.fixture
    def app_plugins():
        return [plugins.dmdk]
