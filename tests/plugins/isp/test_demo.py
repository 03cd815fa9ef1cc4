"""``abonent demo`` with the isp data of both ISP tenants: idempotent, and the contracts' logins work."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.app import create_app
from core.cli.main import cli
from core.testing.web import FormClient


def _counts(app) -> dict[str, dict[str, int]]:
    from core.api import session, tenant_scope
    from core.db import cross_tenant
    from core.ledger.models import LedgerTransaction
    from core.tenants.models import Tenant
    from plugins.isp.models import Contract, Freeze, Product, Subscription

    counts = {}
    with app.app_context():
        with cross_tenant():
            tenants = {t.slug: t.id for t in session.query(Tenant).all()}
        for slug in ("uralnet", "yakutcenter"):
            with tenant_scope(tenants[slug]):
                # rows loaded, not COUNT(*): an aggregate over a bare entity escapes the ORM tenant filter on SQLite
                counts[slug] = {
                    model.__name__: len(session.scalars(select(model)).all())
                    for model in (Product, Contract, Subscription, Freeze, LedgerTransaction)
                }
    return counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo database prepared twice; yields (first output, counts after each run, app)."""
    folder = tmp_path_factory.mktemp("isp-demo")
    patch = pytest.MonkeyPatch()
    patch.setenv("ABONENT_INSTANCE_PATH", str(folder))
    patch.delenv("ABONENT_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'abonent.db'}"})
    app.test_client_class = FormClient
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    after_first = _counts(app)
    second = runner.invoke(cli, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    yield first.output, after_first, _counts(app), app
    patch.undo()


def test_demo_runs_twice_without_creating_anything_twice(demo):
    output, after_first, after_second, _app = demo
    assert after_first == after_second
    assert after_first["uralnet"]["Contract"] == 4 and after_first["yakutcenter"]["Contract"] == 5
    assert after_first["uralnet"]["Freeze"] == 1 and after_first["yakutcenter"]["Freeze"] == 1
    for login in ("200102", "77002002", "77002001", "200104"):
        assert f"login {login} " in output


def _login(app, slug: str, login: str, password: str):
    client = app.test_client()
    response = client.submit(f"/t/{slug}/login", {"login": login, "password": password})
    assert response.status_code == 302, (slug, login)
    return client


@pytest.mark.parametrize(
    ("slug", "login", "password"),
    [("uralnet", "200102", "demo-isp-debt-1"), ("yakutcenter", "77002002", "demo-tctr-debt-1")],
)
def test_the_indebted_demo_subscriber_logs_in_and_sees_blocked_services(demo, slug, login, password):
    _output, _first, _second, app = demo
    client = _login(app, slug, login, password)
    page = client.get(f"/t/{slug}/isp/").get_data(as_text=True)
    assert 'data-testid="limited-mode"' in page
    assert f"/t/{slug}/money/pay" in page
    token = app.test_client().post(f"/t/{slug}/api/v1/auth/login", json={"login": login, "password": password})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    api = app.test_client()
    accounts = api.get(f"/t/{slug}/api/v1/accounts", headers=headers).get_json()
    body = api.get(f"/t/{slug}/api/v1/isp/accounts/{accounts[0]['id']}/services", headers=headers).get_json()
    assert body["blocked"] is True and body["balance"] < 0
    assert {s["status"] for s in body["services"]} == {"blocked"}


def test_demo_contracts_cover_frozen_legal_and_wifi_subscribers(demo):
    _output, _first, _second, app = demo
    frozen = _login(app, "uralnet", "200103", "demo-isp-frozen-1").get("/t/uralnet/isp/").get_data(as_text=True)
    assert 'data-testid="limited-mode"' not in frozen and "badge-blocked" in frozen
    legal = _login(app, "uralnet", "200104", "demo-isp-legal-1").get("/t/uralnet/isp/").get_data(as_text=True)
    assert 'data-testid="legal-note"' in legal
    wifi = app.test_client()
    response = wifi.submit("/t/yakutcenter/login?as=wifi", {"login": "77002001", "password": "demo-tctr-wifi-1"})
    assert response.status_code == 302


def test_the_two_demo_isps_have_visibly_different_policies(demo):
    from core.api import plugin_settings, session
    from core.db import cross_tenant
    from core.tenants.models import Tenant

    _output, _first, _second, app = demo
    with app.app_context(), cross_tenant():
        ural = plugin_settings(session.query(Tenant).filter_by(slug="uralnet").one(), "isp")
        yakut = plugin_settings(session.query(Tenant).filter_by(slug="yakutcenter").one(), "isp")
    assert ural["tariff_change_timing"] == "immediately" and yakut["tariff_change_timing"] == "next_period"
    rules = ("promise_amount_kind", "promise_amount", "promise_days", "promise_fee", "promise_frequency")
    assert all(ural[rule] != yakut[rule] for rule in rules)


def test_wrong_demo_data_is_refused_with_a_clear_message(app, isp_tenant):
    import click

    from core.api import tenant_scope
    from plugins.isp.demo import load

    tenant = isp_tenant("isp-demo-bad")
    bad = {
        "products": [{"code": "x", "kind": "internet", "title": "X", "monthly_fee": 100, "includes": ["nope"]}],
        "contracts": [],
    }
    with app.app_context(), tenant_scope(tenant.id), pytest.raises(click.ClickException, match="nope"):
        load(tenant, bad)
    with app.app_context(), tenant_scope(tenant.id), pytest.raises(click.ClickException, match="surprise"):
        load(tenant, {"surprise": 1})


def test_login_tabs_follow_the_categories_each_site_sells(demo):
    """UralNet sells cable only: its login page has no Wi-Fi tab (no tabs at all); TCTR keeps cable and Wi-Fi."""
    _output, _first, _second, app = demo
    ural = app.test_client().get("/t/uralnet/login").get_data(as_text=True)
    assert "Wi-Fi" not in ural and 'class="tabs"' not in ural
    yakut = app.test_client().get("/t/yakutcenter/login").get_data(as_text=True)
    assert 'class="tabs"' in yakut and "as=wifi" in yakut and "as=cable" in yakut
