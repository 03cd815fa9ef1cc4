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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Participants:
    """A tenant where Петров registered an organization through the wizard (he is its administrator), and ways to
    add its employees with roles and the registry's operator; see the ``participants`` fixture."""

    def __init__(self, app, make_tenant, make_user, enable_plugin, login, slug: str, locale: str, organization):
        from sqlalchemy import select

        from core.api import session, tenant_scope
        from plugins.dmdk.models import OrganizationProfile
        from tests.plugins.dmdk.orgs import bind_certificate, fill_wizard

        self.app, self.make_user, self.login, self.slug = app, make_user, login, slug
        self.tenant = make_tenant(slug, locale=locale)
        enable_plugin(self.tenant, "dmdk")
        self.head = make_user(self.tenant, f"head@{slug}.example", full_name="Петров Пётр", roles=())
        bind_certificate(app, self.tenant, self.head, organization["inn"])
        self.head_client = login(self.tenant, self.head)
        fill_wizard(self.head_client, self.tenant, organization["ogrn"])
        with app.app_context(), tenant_scope(self.tenant.id):
            self.organization_id = session.scalar(
                select(OrganizationProfile.organization_id).where(OrganizationProfile.inn == organization["inn"])
            )

    def url(self, path: str = "") -> str:
        """The address of the organization's page ``path`` (``/documents`` …)."""
        from core.testing.fixtures import tenant_path

        return tenant_path(self.tenant, f"/dmdk/organizations/{self.organization_id}{path}")

    def path(self, path: str) -> str:
        from core.testing.fixtures import tenant_path

        return tenant_path(self.tenant, path)

    def employee(self, name: str, roles: tuple[str, ...]):
        """A user who joined the organization and got ``roles`` from its administrator: ``(user, client)``."""
        user = self.make_user(self.tenant, f"{name}@{self.slug}.example", full_name=name.capitalize(), roles=())
        client = self.login(self.tenant, user)
        joined = client.submit(
            self.path("/dmdk/organization/join"),
            {"organization_id": str(self.organization_id)},
            form_url=self.path("/dmdk/organization"),
        )
        assert joined.status_code == 302, joined.get_data(as_text=True)[-2000:]
        given = self.head_client.submit(self.url(f"/employees/{user.id}"), {"roles": list(roles)})
        assert given.status_code == 302, given.get_data(as_text=True)[-2000:]
        return user, client

    def operator(self, roles: tuple[str, ...] = ("operator",)):
        """A member of the tenant's staff (the registry's operator by default): ``(user, client)``."""
        user = self.make_user(self.tenant, f"{'-'.join(roles)}@{self.slug}.example", roles=roles)
        return user, self.login(self.tenant, user)

    def token(self, user) -> str:
        response = self.app.test_client().post(
            self.path("/api/v1/auth/login"), json={"login": user.login, "password": user.password}
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    def upload(self, client, type_code: str = "charter", number: str = "77-1", expires_on: str = "2099-12-31", **extra):
        """Upload a document through the page; returns the response."""
        import io

        data = {
            "type": type_code,
            "number": number,
            "issued_on": "2020-01-15",
            "expires_on": expires_on,
            "file": (io.BytesIO(extra.pop("content", PDF)), extra.pop("filename", "doc.pdf")),
            **extra,
        }
        return client.submit(self.url("/documents/new"), data, content_type="multipart/form-data")

    def document_id(self, number: str) -> int:
        from sqlalchemy import select

        from core.api import session, tenant_scope
        from plugins.dmdk.documents.models import Document

        with self.app.app_context(), tenant_scope(self.tenant.id):
            return session.scalar(select(Document.id).where(Document.number == number))


@pytest.fixture
def participants(app, make_tenant, make_user, enable_plugin, login):
    """``participants(slug, locale="en", organization=NORTH)`` → :class:`Participants`."""
    from tests.plugins.dmdk.orgs import NORTH

    def build(slug: str, locale: str = "en", organization=NORTH) -> Participants:
        return Participants(app, make_tenant, make_user, enable_plugin, login, slug, locale, organization)

    return build
