"""One settings service: namespaces registered at start-up through a hook, typed frozen reads, messages in Russian."""

import pytest
from marshmallow import RAISE, Schema, fields

from core.db import session, tenant_scope
from core.plugins.manager import PluginHost
from core.plugins.markers import hookimpl
from core.plugins.state import plugin_settings
from core.settings.service import SettingsError, build_settings, get_settings, save_settings
from core.settings.types import Settings, SettingsNamespace


class Colour(Schema):
    class Meta:
        unknown = RAISE

    colour = fields.String(load_default="red")


class _Declares:
    def __init__(self, *names):
        self.names = names

    @hookimpl
    def register_settings(self):
        return [SettingsNamespace(name, Colour) for name in self.names]


def test_core_and_plugin_namespaces_are_collected_at_start_up(app):
    namespaces = app.extensions["abonent.settings"].namespaces
    assert {"site", "payments.paykeeper", "payments.registry", "support.deadlines", "visits", "faq"} <= set(namespaces)


def test_a_namespace_declared_twice_stops_the_start_up():
    host = PluginHost()
    host.register_core("one", _Declares("acme.colours"))
    host.register_core("two", _Declares("acme.colours"))
    with pytest.raises(ValueError, match=r"acme\.colours"):
        build_settings(host)


def test_a_read_is_a_frozen_typed_object_with_defaults(app, make_tenant):
    tenant = make_tenant("isp")
    with app.app_context(), tenant_scope(tenant.id):
        save_settings("site", {"url": "https://cabinet.isp.example"})
        session.commit()
        site = get_settings("site")
        assert isinstance(site, Settings)
        assert site.url == "https://cabinet.isp.example"
        with pytest.raises(AttributeError):
            site.url = "https://evil.example"
        paykeeper = get_settings("payments.paykeeper")
        assert paykeeper.server_url == "" and paykeeper.min_amount == 100
        assert paykeeper["secret"] == "" and paykeeper.get("nothing", 1) == 1  # 0.1 plugins read by key


def test_plugin_settings_are_typed_too(app, make_tenant, enable_plugin):
    tenant = make_tenant("isp")
    enable_plugin(tenant, "faq", {"title": "Вопросы"})
    with app.app_context():
        faq = plugin_settings(session.merge(tenant), "faq")
        assert faq.title == "Вопросы"
        with tenant_scope(tenant.id):
            assert get_settings("faq") == faq


def test_refused_settings_are_explained_in_russian(app, make_tenant):
    tenant = make_tenant("isp")
    with app.test_request_context(), tenant_scope(tenant.id), pytest.raises(SettingsError) as refused:
        save_settings("site", {"url": "not an address", "colour": "red"})
    assert refused.value.messages == {"url": ["Введите корректный адрес (URL)."], "colour": ["Неизвестное поле."]}


def test_nested_values_are_frozen_and_copies_are_plain():
    settings = Settings("visits", {"windows": ["09-12"], "limits": {"a": 1}})
    assert settings.windows == ("09-12",)
    with pytest.raises(TypeError):
        settings.limits["a"] = 2
    assert settings.as_dict() == {"windows": ["09-12"], "limits": {"a": 1}}
    assert settings | {"windows": []} == {"windows": [], "limits": {"a": 1}}
    assert settings.replace(windows=["12-15"]).windows == ("12-15",) and settings.windows == ("09-12",)


def test_a_plugins_settings_live_in_the_one_store(app, make_tenant, enable_plugin):
    from sqlalchemy import select

    from core.settings.models import TenantSettings

    tenant = make_tenant("isp")
    enable_plugin(tenant, "faq", {"title": "Вопросы"})
    with app.app_context(), tenant_scope(tenant.id):
        stored = {row.namespace: row.values for row in session.scalars(select(TenantSettings))}
        assert stored["faq"]["title"] == "Вопросы"
        save_settings("faq", {"title": "Частые вопросы"})
        session.commit()
    with app.app_context():
        assert plugin_settings(session.merge(tenant), "faq").title == "Частые вопросы"


def test_a_plugins_refused_settings_are_in_russian_too(app, make_tenant):
    tenant = make_tenant("isp")
    with app.test_request_context(), tenant_scope(tenant.id), pytest.raises(SettingsError) as refused:
        save_settings("faq", {"colour": "red"})
    assert refused.value.messages == {"colour": ["Неизвестное поле."]}


def test_a_schemas_own_messages_are_in_russian_too(app, make_tenant):
    tenant = make_tenant("isp")
    with app.test_request_context(), tenant_scope(tenant.id), pytest.raises(SettingsError) as refused:
        save_settings("visits", {"working_days": [1, 1], "windows": ["9-12"]})
    assert refused.value.messages["working_days"] == ["Каждый день недели — только один раз."]
    assert refused.value.messages["windows"] == {0: ["Интервал времени вида 09-12."]}
