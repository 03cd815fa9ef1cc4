"""``core.api.writes_on_get``: a GET page that reads and then writes does not fail on SQLite when another
connection writes in between (its transaction takes the write lock at once, as a POST's does)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from core.testing.fixtures import tenant_path
from tests.db import writes_probe_plugin


@pytest.fixture
def app_plugins():
    return [writes_probe_plugin]


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin):
    if app.extensions["abonent.db"].dialect != "sqlite":
        pytest.skip("SQLite's deferred transactions only; PostgreSQL locks rows, not the file")
    tenant = make_tenant("probe")
    enable_plugin(tenant, "writes_probe")
    make_user(tenant, "probe@example.com")
    return tenant


def test_a_marked_get_page_holds_the_write_lock_and_answers(app, site):
    response = app.test_client().get(tenant_path(site, "/probe/marked"))
    assert response.status_code == 200
    assert response.json == {"another_writer_committed_meanwhile": False}  # it waited for the page instead


def test_an_unmarked_get_page_that_writes_fails_when_another_writer_came_first(app, site):
    with pytest.raises(OperationalError, match="database is locked"):
        app.test_client().get(tenant_path(site, "/probe/plain"))
