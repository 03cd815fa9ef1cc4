"""The catalogue: operators add and edit products with clear form errors; archive keeps existing subscribers."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.isp.models import Contract, Product


@pytest.fixture
def site(isp_tenant, catalog, make_user):
    tenant = isp_tenant("isp-cat", locale="en")
    ids = catalog(tenant)
    operator = make_user(tenant, "operator", roles=("operator",))
    return tenant, ids, operator


def _product(app, tenant, code: str) -> Product | None:
    with app.app_context(), tenant_scope(tenant.id):
        product = session.query(Product).filter_by(code=code).one_or_none()
        if product is not None:
            session.expunge(product)
        return product


INTERNET_FORM = {
    "kind": "internet",
    "code": "giga",
    "title": "Giga 1000",
    "description": "Fast.",
    "price": "1 299,90",
    "speed_mbps": "1000",
    "categories": ["cable"],
    "holder_kinds": ["individual", "legal"],
    "allowed_changes": "inet300, inet500",
    "position": "5",
}


def test_operator_adds_a_tariff_with_the_price_in_roubles(app, site, login):
    tenant, _ids, operator = site
    client = login(tenant, operator)
    page = client.get(tenant_path(tenant, "/isp/admin/catalog")).get_data(as_text=True)
    assert "Home 100" in page and "Internet tariff" in page
    response = client.submit(tenant_path(tenant, "/isp/admin/catalog/new"), INTERNET_FORM)
    assert response.status_code == 302
    giga = _product(app, tenant, "giga")
    assert giga.monthly_fee == 129990
    assert giga.speed_mbps == 1000
    assert giga.categories == ["cable"] and giga.holder_kinds == ["individual", "legal"]
    assert giga.allowed_changes == ["inet300", "inet500"]
    assert "Giga 1000" in client.get(tenant_path(tenant, "/isp/admin/catalog")).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "inet100"}, "code", "A product with this code already exists."),
        ({"code": "Bad code!"}, "code", "lowercase Latin letters"),
        ({"title": ""}, "title", "Enter the title subscribers see."),
        ({"price": "-5"}, "price", "The price cannot be negative."),
        ({"price": "abc"}, "price", "Enter the price per month in roubles"),
        ({"price": "1,234"}, "price", "Enter the price per month in roubles"),
        ({"speed_mbps": ""}, "speed_mbps", "Enter the speed in Mbit/s"),
        ({"categories": []}, "categories", "Choose at least one subscriber category."),
        ({"holder_kinds": []}, "holder_kinds", "Choose at least one kind of holder."),
        ({"allowed_changes": "tvbase"}, "allowed_changes", "Not another tariff of the same kind: tvbase."),
        ({"kind": "tv", "includes": "kids, nosuch", "speed_mbps": ""}, "includes", "nosuch"),
        ({"kind": "tv", "includes": "inet100", "speed_mbps": ""}, "includes", "inet100"),
    ],
)
def test_a_wrong_product_form_says_what_is_wrong_and_saves_nothing(app, site, login, changes, field, message):
    tenant, _ids, operator = site
    client = login(tenant, operator)
    form = {**INTERNET_FORM, **changes}
    if form["kind"] == "tv":
        form["allowed_changes"] = ""
    response = client.submit(tenant_path(tenant, "/isp/admin/catalog/new"), form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    with app.app_context(), tenant_scope(tenant.id):
        assert session.query(Product).count() == 13


def test_a_tv_tariff_bundles_existing_packages_and_an_addon_has_a_start_rule(app, site, login):
    tenant, _ids, operator = site
    client = login(tenant, operator)
    tv = {
        "kind": "tv",
        "code": "tvkids",
        "title": "TV Kids",
        "price": "199",
        "channels": "40",
        "categories": ["cable", "wifi"],
        "holder_kinds": ["individual"],
        "includes": "kids sport",
    }
    assert client.submit(tenant_path(tenant, "/isp/admin/catalog/new"), tv).status_code == 302
    assert _product(app, tenant, "tvkids").includes == ["kids", "sport"]
    addon = {
        "kind": "addon",
        "code": "backup",
        "title": "Backup",
        "price": "0",
        "categories": ["cable"],
        "holder_kinds": ["individual"],
        "start_rule": "next_month",
    }
    assert client.submit(tenant_path(tenant, "/isp/admin/catalog/new"), addon).status_code == 302
    backup = _product(app, tenant, "backup")
    assert backup.start_rule == "next_month" and backup.monthly_fee == 0 and backup.includes == []


def test_editing_a_product_in_use_keeps_its_code_and_kind(app, site, login, make_contract):
    tenant, ids, operator = site
    make_contract(tenant, "700001", products=("inet100",))
    client = login(tenant, operator)
    url = tenant_path(tenant, f"/isp/admin/catalog/{ids['inet100']}")
    page = client.get(url).get_data(as_text=True)
    assert "its code and kind stay as they are" in page
    form = {
        **INTERNET_FORM,
        "code": "renamed",
        "kind": "tv",
        "title": "Home 100 plus",
        "price": "550",
        "speed_mbps": "120",
        "allowed_changes": "",
    }
    assert client.submit(url, form).status_code == 302
    product = _product(app, tenant, "inet100")
    assert product is not None and product.kind == "internet"
    assert product.title == "Home 100 plus" and product.monthly_fee == 55000 and product.speed_mbps == 120


def test_archived_tariff_stays_on_its_subscribers_and_is_not_offered_to_new_ones(app, site, login, make_contract):
    tenant, ids, operator = site
    made = make_contract(tenant, "700002", products=("inet300",), balance=100000)
    client = login(tenant, operator)
    response = client.submit(tenant_path(tenant, f"/isp/admin/catalog/{ids['inet300']}/archive"), {"archived": "1"})
    assert response.status_code == 302
    assert _product(app, tenant, "inet300").archived is True

    # the subscriber keeps it and sees it active
    subscriber = login(tenant, made)
    overview = subscriber.get(tenant_path(tenant, "/isp/")).get_data(as_text=True)
    assert "Home 300" in overview and "Active" in overview
    with app.app_context(), tenant_scope(tenant.id):
        contract = session.get(Contract, made.id)
        assert [s.product.code for s in contract.subscriptions] == ["inet300"]

    # a new contract cannot get it
    form = client.get(tenant_path(tenant, "/isp/admin/contracts/new")).get_data(as_text=True)
    assert 'value="inet300"' not in form and 'value="inet500"' in form
    response = client.submit(
        tenant_path(tenant, "/isp/admin/contracts/new"),
        {
            "number": "700003",
            "holder_name": "New One",
            "holder_kind": "individual",
            "category": "cable",
            "products": ["inet300"],
            "starts_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "is archived" in response.get_data(as_text=True)

    # and it can be offered again
    client.submit(tenant_path(tenant, f"/isp/admin/catalog/{ids['inet300']}/archive"), {"archived": "0"})
    assert _product(app, tenant, "inet300").archived is False


def test_a_product_in_use_or_bundled_is_never_deleted(app, site, login, make_contract):
    tenant, ids, operator = site
    make_contract(tenant, "700004", products=("inet500",))
    client = login(tenant, operator)
    response = client.submit(
        tenant_path(tenant, f"/isp/admin/catalog/{ids['inet500']}/delete"),
        {},
        form_url=tenant_path(tenant, "/isp/admin/catalog"),
    )
    assert response.status_code == 302
    assert _product(app, tenant, "inet500") is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "archive it instead" in page

    response = client.submit(
        tenant_path(tenant, f"/isp/admin/catalog/{ids['movies']}/delete"),
        {},
        form_url=tenant_path(tenant, "/isp/admin/catalog"),
    )
    assert _product(app, tenant, "movies") is not None  # TV Max includes it
    assert "included in: TV Max" in client.get(response.headers["Location"]).get_data(as_text=True)

    response = client.submit(
        tenant_path(tenant, f"/isp/admin/catalog/{ids['antivirus']}/delete"),
        {},
        form_url=tenant_path(tenant, "/isp/admin/catalog"),
    )
    assert _product(app, tenant, "antivirus") is None


def test_subscribers_cannot_manage_the_catalogue_and_another_tenants_product_is_not_found(
    app, site, login, make_contract, isp_tenant, catalog
):
    tenant, _ids, operator = site
    made = make_contract(tenant, "700005")
    assert login(tenant, made).get(tenant_path(tenant, "/isp/admin/catalog")).status_code == 403
    other = isp_tenant("isp-other", locale="en")
    other_ids = catalog(other)
    client = login(tenant, operator)
    assert client.get(tenant_path(tenant, f"/isp/admin/catalog/{other_ids['inet100']}")).status_code == 404


def test_news_audience_by_tariff_includes_only_subscribers_with_that_tariff_today(app, site, make_contract, make_user):
    from core.api import tenant_hooks
    from core.identity.models import User

    tenant, _ids, _operator = site
    with_tv = make_contract(tenant, "700006", products=("inet100", "tvbase"))
    without_tv = make_contract(tenant, "700007", products=("inet300",))
    ended = make_contract(tenant, "700008", products=("tvmax",))
    staff = make_user(tenant, "staffer", roles=("operator",))
    with app.test_request_context(), tenant_scope(tenant.id):
        from plugins.isp.models import Subscription

        for sub in session.query(Subscription).filter_by(contract_id=ended.id):
            sub.ends_on = sub.starts_on
        session.commit()
        with force_locale("en"):
            audiences = [a for result in tenant_hooks(tenant).news_audiences(tenant=tenant) for a in result or []]
        (tariff,) = [a for a in audiences if a.key == "tariff"]
        codes = [value for value, _label in tariff.choices]
        assert codes == ["inet100", "inet300", "inet500", "wifi50", "biz100", "old60", "tvbase", "tvmax"]
        assert dict(tariff.choices)["old60"] == "Archive 60 (archived)"

        def user(user_id):
            return session.get(User, user_id)

        assert tariff.includes(user(with_tv.user_id), "tvbase") is True
        assert tariff.includes(user(with_tv.user_id), "inet100") is True
        assert tariff.includes(user(without_tv.user_id), "tvbase") is False
        assert tariff.includes(user(ended.user_id), "tvmax") is False
        assert tariff.includes(user(staff.id), "tvbase") is False


def test_a_readers_tariffs_for_news_are_those_running_today_on_every_contract_they_may_use(app, site, make_contract):
    from core.api import grant_access, tenant_hooks
    from core.identity.models import User
    from plugins.isp.models import Subscription

    tenant, _ids, _operator = site
    home = make_contract(tenant, "700009", products=("inet100", "tvbase"))
    country = make_contract(tenant, "700010", products=("tvmax", "inet300"))
    with app.test_request_context(), tenant_scope(tenant.id):
        reader = session.get(User, home.user_id)
        (tariff,) = [a for result in tenant_hooks(tenant).news_audiences(tenant=tenant) for a in result or []]
        alone = set(tariff.memberships(reader))  # one account: its contract
        assert {"inet100", "tvbase"} <= alone and not {"tvmax", "inet300"} & alone

        country_contract = session.get(Contract, country.id)
        grant_access(reader, country_contract.account)
        inet300 = session.query(Product).filter_by(code="inet300").one()
        for sub in session.query(Subscription).filter_by(contract_id=country.id, product_id=inet300.id):
            sub.ends_on = sub.starts_on  # ended long ago
        session.commit()
        both = set(tariff.memberships(reader))  # two accounts: both contracts, one query
        assert alone | {"tvmax"} <= both and "inet300" not in both
