"""The demo registry shipped inside the plugin: ``abonent demo`` makes the CA and certificates in the instance
folder, trusts the CA, registers АО «Северное сияние» with its head as administrator and a pending employee; the
printed key and certificate log the head in through ``/dmdk/login``; a second start changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from sqlalchemy import select

import plugins.dmdk
from core.api import Organization, StoredFile, User, get_settings, organization_roles, session, tenant_scope
from core.app import create_app
from core.cli.demo import prepare_demo
from core.testing.web import FormClient
from plugins.dmdk.batches.models import Batch
from plugins.dmdk.certlogin.signing import load_private_key, sign_challenge
from plugins.dmdk.documents.models import Document
from plugins.dmdk.employees.roles import ADMIN
from plugins.dmdk.models import CertificateHolder, Employee, OrganizationProfile, Subdivision

SHIPPED = Path(plugins.dmdk.__file__).resolve().parent / "demo" / "registry.toml"
SITE = "/t/dmdk"
ORIGIN = "http://localhost"
NONCE = re.compile(r'<code id="nonce">([^<]+)</code>')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FILES = ("ca.pem", "ca.key", "head.key", "head.pem", "employee.key", "employee.pem", "new-head.key", "new-head.pem")


def _app(instance: Path):
    app = create_app(
        {"INSTANCE_DIR": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'demo.db'}"}, plugins=[plugins.dmdk]
    )
    app.test_client_class = FormClient
    return app


@pytest.fixture
def demo(tmp_path):
    """The demo prepared twice in ``tmp_path`` (no tenant files of one's own: only the shipped ones)."""
    folder = tmp_path / "tenants"
    folder.mkdir()
    app = _app(tmp_path)
    with app.app_context():
        prepare_demo(folder)
        first = {name: (tmp_path / "dmdk-demo" / name).read_bytes() for name in FILES}
        listing = prepare_demo(folder)
    tenant, logins = next((tenant, logins) for tenant, logins in listing if tenant.slug == "dmdk")
    return app, tenant, logins, first, tmp_path / "dmdk-demo"


def _certificate_login(client, key_file: Path, cert_file: Path):
    page = client.get(f"{SITE}/dmdk/login").get_data(as_text=True)
    nonce = NONCE.search(page).group(1)
    key = load_private_key(key_file.read_bytes())
    return client.post(
        f"{SITE}/dmdk/login",
        data={
            "csrf_token": CSRF.search(page).group(1),
            "nonce": nonce,
            "signature": sign_challenge(key, nonce, ORIGIN),
            "certificate": cert_file.read_text(),
        },
    )


def test_the_demo_registers_the_organization_its_administrator_and_a_pending_employee(demo):
    app, tenant, logins, first, files = demo
    assert tenant.name == "Демо-реестр ДМДК" and tenant.locale == "ru" and tenant.timezone == "Europe/Moscow"
    assert [login.login for login in logins] == [
        "petrov@severnoe-siyanie.example",
        "sidorova@severnoe-siyanie.example",
    ]
    # A second start reuses the CA and the certificates: the printed files stay the same.
    assert {name: (files / name).read_bytes() for name in FILES} == first
    assert (files / "head.key").stat().st_mode & 0o077 == 0  # the key is its owner's only
    with app.app_context(), tenant_scope(tenant.id):
        (profile,) = session.scalars(select(OrganizationProfile)).all()
        assert profile.inn == "7730802306" and profile.full_name == "Акционерное общество «Северное сияние»"
        assert profile.data["contacts"]["email"] == "office@severnoe-siyanie.example"
        ((subdivision, branch),) = [
            (row, session.get(Organization, row.organization_id)) for row in session.scalars(select(Subdivision))
        ]
        assert branch.name == "Филиал в Твери" and subdivision.parent_id == profile.organization_id
        head = session.scalar(select(User).where(User.login == "petrov@severnoe-siyanie.example"))
        employee = session.scalar(select(User).where(User.login == "sidorova@severnoe-siyanie.example"))
        roles = organization_roles(profile.organization_id)
        assert roles.get(head.id) == {ADMIN}
        assert not roles.get(employee.id)  # awaiting roles
        staff = session.scalars(select(Employee).order_by(Employee.id)).all()
        assert [(row.user_id, row.organization_id) for row in staff] == [
            (head.id, profile.organization_id),
            (employee.id, profile.organization_id),
        ]
        assert session.scalar(select(CertificateHolder.snils).where(CertificateHolder.user_id == head.id)) == (
            "12345678964"
        )
        assert get_settings("dmdk.certlogin").trust_roots.strip() == (files / "ca.pem").read_text().strip()
        # Its registered batches were created once, though the demo started twice.
        batches = session.scalars(select(Batch).order_by(Batch.uin)).all()
        assert [(b.uin, b.status, b.organization_id) for b in batches] == [
            ("6430000000000015", "registered", profile.organization_id),
            ("6430000000000023", "registered", profile.organization_id),
        ]
        papers = session.scalars(select(Document).order_by(Document.type_code)).all()
        assert [(d.type_code, d.number, d.organization_id) for d in papers] == [
            ("charter", "У-2023/1", profile.organization_id),
            ("egrul_extract", "ЮЭ9965-26-1001", profile.organization_id),
        ]
        stored = session.get(StoredFile, papers[0].file_id)
        assert stored.mime == "application/pdf" and stored.size > 1000  # a real PDF, rendered


def test_the_printed_key_and_certificate_log_the_head_in(demo):
    app, _tenant, logins, _first, files = demo
    head = logins[0]
    assert "its organization administrator" in head.note
    command = re.search(r"abonent dmdk sign-challenge --key (\S+) --cert (\S+) --nonce <from the page>", head.note)
    assert command is not None, head.note
    key_file, cert_file = Path(command.group(1)), Path(command.group(2))
    assert (key_file, cert_file) == (files / "head.key", files / "head.pem")
    client = app.test_client()
    response = _certificate_login(client, key_file, cert_file)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(f"{SITE}/dmdk/organization").get_data(as_text=True)
    assert "АО «Северное сияние»" in page and "Сотрудники и роли" in page

    # The printed password works too; the employee is told the roles are still to come.
    employee = app.test_client()
    answer = employee.submit(f"{SITE}/login", {"login": logins[1].login, "password": logins[1].password})
    assert answer.status_code == 302
    page = employee.get(f"{SITE}/dmdk/organization").get_data(as_text=True)
    assert "Ваш статус: Ожидает ролей" in page


def test_a_spare_certificate_has_no_account_yet_and_goes_to_registration(demo):
    app, _tenant, _logins, _first, files = demo
    response = _certificate_login(app.test_client(), files / "new-head.key", files / "new-head.pem")
    assert response.status_code == 302 and response.location.endswith(f"{SITE}/dmdk/register")


def test_a_wrong_demo_table_is_refused_in_words(tmp_path):
    folder = tmp_path / "tenants"
    folder.mkdir()
    broken = SHIPPED.read_text(encoding="utf-8").replace('snils = "12345678964"', 'snils = "12345678900"')
    (folder / "dmdk.toml").write_text(broken, encoding="utf-8")  # a folder file with the slug wins
    app = _app(tmp_path)
    with app.app_context(), pytest.raises(click.ClickException) as refused:
        prepare_demo(folder)
    assert "[demo.plugins.dmdk]" in refused.value.message and "12345678900" in refused.value.message
