"""The operator sets the isp rules in a form that speaks the site's language and refuses bad values."""

from core.api import session
from core.plugins.state import plugin_settings
from core.testing.fixtures import tenant_path


def _admin_client(isp_tenant, make_user, login, locale: str):
    tenant = isp_tenant(locale=locale)
    admin = make_user(tenant, "boss", roles=("tenant_admin",))
    return tenant, login(tenant, admin)


def test_the_rules_form_is_in_russian_on_a_russian_site(isp_tenant, make_user, login):
    tenant, client = _admin_client(isp_tenant, make_user, login, "ru")
    page = client.get(tenant_path(tenant, "/admin/plugins/isp")).get_data(as_text=True)
    assert "Дней долга до блокировки" in page
    assert "Срок обещанного платежа (дней)" in page
    assert "Days of debt before blocking" not in page


def test_bad_rules_are_field_errors_and_nothing_is_saved(app, isp_tenant, make_user, login):
    tenant, client = _admin_client(isp_tenant, make_user, login, "en")
    url = tenant_path(tenant, "/admin/plugins/isp")
    out_of_range = client.submit(url, {"promise_days": "0"})
    assert out_of_range.status_code == 400 and 'class="error"' in out_of_range.get_data(as_text=True)
    crossed = client.submit(url, {"freeze_min_days": "30", "freeze_max_days": "10"})
    assert crossed.status_code == 400
    assert "must not exceed the maximum days" in crossed.get_data(as_text=True)
    with app.app_context():
        assert plugin_settings(session.merge(tenant), "isp")["promise_days"] == 3
    saved = client.submit(url, {"promise_days": "5", "block_grace_days": "2"})
    assert saved.status_code == 302
    with app.app_context():
        rules = plugin_settings(session.merge(tenant), "isp")
        assert (rules["promise_days"], rules["block_grace_days"]) == (5, 2)


def test_amounts_are_typed_in_rubles_and_choices_read_as_words(app, isp_tenant, make_user, login):
    tenant, client = _admin_client(isp_tenant, make_user, login, "en")
    url = tenant_path(tenant, "/admin/plugins/isp")
    saved = client.submit(url, {"freeze_fee_kind": "once", "freeze_fee": "150,50"})
    assert saved.status_code == 302
    with app.app_context():
        assert plugin_settings(session.merge(tenant), "isp")["freeze_fee"] == 15050  # kopecks
    page = client.get(url).get_data(as_text=True)
    assert 'name="freeze_fee" id="f-freeze_fee" value="150.50"' in page
    assert ">Once, when the block starts</option>" in page and ">once</option>" not in page
    bad = client.submit(url, {"freeze_fee": "сто"})
    assert bad.status_code == 400 and 'class="error"' in bad.get_data(as_text=True)
