"""Pytest fixtures for Abonent and its plugins (registered as the ``abonent`` pytest plugin).

Use them in a plugin's own tests::

    def test_my_page(app, make_tenant, make_user, login, enable_plugin):
        tenant = make_tenant("acme", login_identifier="contract")
        enable_plugin(tenant, "myplugin")
        user = make_user(tenant, "100", roles=("subscriber",))
        client = login(tenant, user)
        assert client.get("/t/acme/my/").status_code == 200

The database is created and migrated once per test session (SQLite in a temporary folder, or
PostgreSQL when ``ABONENT_TEST_DATABASE_URL`` names a server: a fresh database is created there and
the app connects as a non-owner role so row-level security applies). Every table is emptied after
each test.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

APP_ROLE = "abonent_app"


@dataclass(frozen=True)
class TestDatabase:
    """URLs of the test database: the app's (non-owner on PostgreSQL) and the owner's."""

    app_url: str
    owner_url: str

    @property
    def dialect(self) -> str:
        return make_url(self.owner_url).get_backend_name()


def _create_postgres_database(server_url: str) -> tuple[str, str, str]:
    from core.migrate import create_login_role

    url = make_url(server_url)
    name = f"abonent_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        create_login_role(conn, APP_ROLE)
    admin.dispose()
    owner_url = url.set(database=name)
    app_url = owner_url.set(username=APP_ROLE, password=None)
    return (
        owner_url.render_as_string(hide_password=False),
        app_url.render_as_string(hide_password=False),
        name,
    )


def _drop_postgres_database(server_url: str, name: str) -> None:
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def abonent_database(tmp_path_factory) -> Iterator[TestDatabase]:
    """A migrated database for the whole test session (all installed plugins' branches included)."""
    from core.app import create_app
    from core.migrate import grant_app_role, upgrade

    server = os.environ.get("ABONENT_TEST_DATABASE_URL", "")
    instance = tmp_path_factory.mktemp("abonent-instance")
    if server.startswith("postgresql"):
        owner_url, app_url, name = _create_postgres_database(server)
    else:
        owner_url = app_url = f"sqlite:///{instance / 'test.db'}"
        name = ""
    owner_app = create_app({"DATABASE_URL": owner_url, "TESTING": True, "INSTANCE_DIR": str(instance)})
    with owner_app.app_context():
        upgrade(owner_app)
        grant_app_role(owner_app, APP_ROLE)
    owner_app.extensions["abonent.db"].dispose()
    yield TestDatabase(app_url=app_url, owner_url=owner_url)
    if name:
        _drop_postgres_database(server, name)


def empty_all_tables(owner_url: str) -> None:
    """Delete every row of every table (as the owner, so row-level security does not hide any)."""
    from core.db.base import Base

    engine = create_engine(owner_url)
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table}"'))
    engine.dispose()


@pytest.fixture
def app_config(abonent_database: TestDatabase, tmp_path: Path) -> dict[str, Any]:
    """Config overrides for the test app; extend it in your conftest to change settings."""
    return {
        "DATABASE_URL": abonent_database.app_url,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "SMTP_URL": "",
        "BASE_URL": "http://localhost",  # the test client's host: links in mail open in the test client
        # Every test client posts from 127.0.0.1: the per-address budget for anonymous posts would count the
        # whole suite as one visitor. tests/web/test_rate_limits.py sets a small one and checks it.
        "ANONYMOUS_POST_LIMIT": "100000 per minute",
    }


@pytest.fixture
def app_plugins() -> list[object]:
    """Extra plugin modules to register (besides the installed ones); override to add test plugins."""
    return []


@pytest.fixture
def app(abonent_database: TestDatabase, app_config: dict[str, Any], app_plugins: list[object]):
    """A fresh Abonent app on the session's database, emptied after the test."""
    from core.app import create_app
    from core.testing.web import FormClient

    application = create_app(app_config, plugins=app_plugins)
    application.test_client_class = FormClient
    yield application
    application.extensions["abonent.db"].dispose()
    empty_all_tables(abonent_database.owner_url)


@pytest.fixture
def db(app):
    """An app context with the database session (``core.db.session``) ready; yields the session."""
    from core.db import session

    with app.app_context():
        yield session


@pytest.fixture
def client(app):
    """A test client whose ``submit(url, data)`` fills in the CSRF token like a browser."""
    return app.test_client()


@pytest.fixture
def make_tenant(app) -> Callable[..., Any]:
    """``make_tenant(slug, **fields)`` creates an active tenant with its built-in roles."""
    from core.access.service import ensure_roles
    from core.db import cross_tenant, session, tenant_scope
    from core.tenants.models import Tenant

    def factory(slug: str, **fields: Any) -> Tenant:
        fields.setdefault("name", slug.capitalize())
        fields.setdefault("login_identifier", "email")
        with app.app_context(), cross_tenant():
            tenant = Tenant(slug=slug, **fields)
            session.add(tenant)
            session.flush()
            with tenant_scope(tenant.id):
                ensure_roles(tenant, set())
            session.commit()
            session.expunge(tenant)
        return tenant

    return factory


@pytest.fixture
def make_user(app) -> Callable[..., Any]:
    """``make_user(tenant, login, roles=("subscriber",), password="…", **fields)`` creates a user."""
    from core.db import session, tenant_scope
    from core.identity.service import create_user

    def factory(tenant, login: str, roles=("subscriber",), password: str = "Secret-pass-1", **fields: Any):
        with app.app_context(), tenant_scope(tenant.id):
            user, _ = create_user(tenant, login, roles=tuple(roles), password=password, **fields)
            session.commit()
            session.expunge(user)
        user.password = password
        return user

    return factory


@pytest.fixture
def enable_plugin(app) -> Callable[..., Any]:
    """``enable_plugin(tenant, name, settings=None)`` turns a plugin on for one tenant."""
    from core.db import session
    from core.plugins import enablement

    def enable(tenant, name: str, settings: dict[str, Any] | None = None) -> None:
        with app.app_context():
            enablement.enable_plugin(session.merge(tenant), name, settings)
            session.commit()

    return enable


@pytest.fixture
def disable_plugin(app) -> Callable[..., Any]:
    """``disable_plugin(tenant, name)`` turns a plugin off for one tenant."""
    from core.db import session
    from core.plugins import enablement

    def disable(tenant, name: str) -> None:
        with app.app_context():
            enablement.disable_plugin(session.merge(tenant), name)
            session.commit()

    return disable


@pytest.fixture
def abonent_world(app, make_tenant, make_user, enable_plugin) -> Callable[..., Any]:
    """``abonent_world(slug)`` makes a tenant with every installed plugin on, a user per built-in role and one
    object of each kind (core's, and each plugin's from its ``populate_test_world`` hook); returns a
    :class:`core.testing.world.Site`. The suites of :mod:`core.testing.suites` walk routes with it."""
    from core.testing.world import populate

    def build(slug: str):
        return populate(app, make_tenant, make_user, enable_plugin, slug)

    return build


def tenant_path(tenant, path: str = "/") -> str:
    """The URL of ``path`` on ``tenant``'s site, by path prefix (``/t/<slug>/…``)."""
    return f"/t/{tenant.slug}{path}"


@pytest.fixture
def login(app) -> Callable[..., Any]:
    """``login(tenant, user)`` returns a new client logged in to ``tenant``'s site as ``user``."""

    def do_login(tenant, user, password: str | None = None):
        client = app.test_client()
        response = client.submit(
            tenant_path(tenant, "/login"), {"login": user.login, "password": password or user.password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return client

    return do_login


@pytest.fixture
def api_token(app) -> Callable[..., str]:
    """``api_token(tenant, user)`` logs in through the API and returns the bearer token."""

    def get_token(tenant, user, password: str | None = None) -> str:
        response = app.test_client().post(
            tenant_path(tenant, "/api/v1/auth/login"),
            json={"login": user.login, "password": password or user.password},
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    return get_token


class MailSink:
    """Messages received by the test SMTP server, parsed as :class:`email.message.EmailMessage`."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


@dataclass
class SmtpServer:
    """A real SMTP server (aiosmtpd) on localhost; ``url`` goes into ``ABONENT_SMTP_URL``."""

    host: str
    port: int
    sink: MailSink
    controller: Any

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self) -> list:
        return self.sink.messages

    def stop(self) -> None:
        self.controller.stop()

    def start(self) -> None:
        """Start again on the same port (after :meth:`stop`), keeping what was received."""
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname=self.host, port=self.port)
        self.controller.start()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that keeps what it receives (``smtp_server.messages``)."""
    from aiosmtpd.controller import Controller

    sink = MailSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    server = SmtpServer("127.0.0.1", port, sink, controller)
    yield server
    with contextlib.suppress(AssertionError, RuntimeError):  # already stopped by the test
        server.controller.stop()


@pytest.fixture(autouse=True)
def _tenant_scope_does_not_leak():
    """Fail the test that leaves a tenant scope open (the next test would silently run inside it)."""
    from core.db import tenancy

    yield
    leaked = tenancy.current_tenant_id(), tenancy.is_cross_tenant()
    if leaked != (None, False):
        tenancy._tenant_id.set(None)
        tenancy._cross_tenant.set(False)
        pytest.fail(f"the test left a tenant scope open: tenant={leaked[0]} cross_tenant={leaked[1]}")
