"""Subscriber categories are the tenant's data: the operator adds, renames and removes them; each has its own
login tab and appears on the new-contract form; existing values were moved into rows by the migration."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.models import SubscriberCategory


def _add(client, tenant, code, title, login_tab=True):
    data = {"code": code, "title": title}
    if login_tab:
        data["login_tab"] = "true"
    return client.submit(
        tenant_path(tenant, "/isp/admin/categories"), data, form_url=tenant_path(tenant, "/isp/admin/categories")
    )


def test_the_operator_adds_renames_and_removes_categories_and_the_login_page_follows(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    staff = login(tenant, make_user(tenant, "operator-850", roles=("operator",)))
    page = staff.get(tenant_path(tenant, "/isp/admin/categories")).get_data(as_text=True)
    assert "Кабельный интернет" in page and "Wi-Fi" in page  # the defaults every tenant starts with

    added = _add(staff, tenant, "satellite", "Спутниковый интернет")
    assert added.status_code == 302
    _add(staff, tenant, "radio", "Точки радиодоступа")
    login_page = app.test_client().get(tenant_path(tenant, "/login")).get_data(as_text=True)
    for title in ("Кабельный интернет", "Wi-Fi", "Спутниковый интернет", "Точки радиодоступа"):
        assert title in login_page
    assert "?as=satellite" in login_page

    new_contract = staff.get(tenant_path(tenant, "/isp/admin/contracts/new")).get_data(as_text=True)
    assert 'value="satellite"' in new_contract and "Спутниковый интернет" in new_contract

    with app.app_context(), tenant_scope(tenant.id):
        radio = session.scalar(select(SubscriberCategory).where(SubscriberCategory.code == "radio"))
        wifi = session.scalar(select(SubscriberCategory).where(SubscriberCategory.code == "wifi"))
        radio_id, wifi_id = radio.id, wifi.id
    renamed = staff.submit(
        tenant_path(tenant, f"/isp/admin/categories?id={radio_id}"),
        {"title": "Радиодоступ", "position": "5"},
        form_url=tenant_path(tenant, "/isp/admin/categories"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Радиодоступ" in renamed and "Точки радиодоступа" not in renamed
    assert "?as=radio" not in app.test_client().get(tenant_path(tenant, "/login")).get_data(as_text=True)

    removed = staff.submit(
        tenant_path(tenant, f"/isp/admin/categories/{radio_id}/delete"),
        {},
        form_url=tenant_path(tenant, "/isp/admin/categories"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "is removed" in removed and 'value="Радиодоступ"' not in removed
    # Wi-Fi is used by a tariff of the catalogue: it stays, with the reason.
    kept = staff.submit(
        tenant_path(tenant, f"/isp/admin/categories/{wifi_id}/delete"),
        {},
        form_url=tenant_path(tenant, "/isp/admin/categories"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "cannot be removed" in kept


def test_a_bad_or_duplicate_code_is_refused_with_a_message(app, isp_tenant, make_user, login):
    tenant = isp_tenant()
    staff = login(tenant, make_user(tenant, "operator-851", roles=("operator",)))
    bad = _add(staff, tenant, "Спутник", "Спутник")
    assert bad.status_code == 400 and "lowercase Latin letters" in bad.get_data(as_text=True)
    twice = _add(staff, tenant, "cable", "Кабель")
    assert twice.status_code == 400 and "already exists" in twice.get_data(as_text=True)
    empty = _add(staff, tenant, "fiber", "")
    assert empty.status_code == 400 and "Enter the category" in empty.get_data(as_text=True)


def test_a_tenant_with_one_category_has_no_login_tabs_and_subscribers_cannot_manage_categories(
    app, isp_tenant, catalog, make_contract, make_user, login
):
    tenant = isp_tenant()
    catalog(tenant)
    made = make_contract(tenant, "850300")
    with app.app_context(), tenant_scope(tenant.id):
        session.delete(session.scalar(select(SubscriberCategory).where(SubscriberCategory.code == "wifi")))
        session.commit()
    login_page = app.test_client().get(tenant_path(tenant, "/login")).get_data(as_text=True)
    assert "?as=wifi" not in login_page and "?as=cable" not in login_page
    assert login(tenant, made).get(tenant_path(tenant, "/isp/admin/categories")).status_code == 403


def test_the_migration_moves_the_categories_contracts_already_use(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from core.app import create_app
    from core.db import cross_tenant
    from core.migrate import alembic_config, upgrade
    from core.plugins.enablement import enable_plugin
    from core.tenants.models import Tenant
    from plugins.isp.contracts.service import NewContract, open_contract

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "TESTING": True, "INSTANCE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(app)
        with cross_tenant():
            tenant = Tenant(slug="old-isp", name="Old ISP", login_identifier="contract")
            session.add(tenant)
            session.flush()
            enable_plugin(tenant, "isp", {})
        with tenant_scope(tenant.id):
            session.add(SubscriberCategory(code="radio", title="x", position=1))
            session.flush()
            open_contract(tenant, NewContract(number="1", holder_name="A", category="radio", products=()), date.today())
            session.commit()
        tenant_id = tenant.id
        config = alembic_config(app)
        command.downgrade(config, "85cf6ad0a063")  # before categories were rows
        upgrade(app)
        engine = app.extensions["abonent.db"].engine
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT code, title FROM isp_categories WHERE tenant_id = :t ORDER BY position"), {"t": tenant_id}
            ).all()
        engine.dispose()
    assert [tuple(r) for r in rows] == [("cable", "Кабельный интернет"), ("wifi", "Wi-Fi"), ("radio", "radio")]
