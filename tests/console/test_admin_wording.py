"""Admin screens say what things are, in Russian: named settings fields and an audit log in sentences."""

from __future__ import annotations

from core.api import AuditAction, PluginInfo, hookimpl
from core.audit.service import record
from core.db import session, tenant_scope
from core.testing.fixtures import tenant_path


def test_site_settings_name_the_company_and_the_settlement_account(app, make_tenant, make_user, login):
    tenant = make_tenant("labels", login_identifier="contract", locale="ru")
    page = login(tenant, make_user(tenant, "boss", roles=("tenant_admin",))).get(tenant_path(tenant, "/admin/settings"))
    html = page.get_data(as_text=True)
    assert 'for="f-legal.full_name">Полное наименование организации<' in html
    assert 'for="f-bank.account">Расчётный счёт<' in html
    assert ">ФИО<" not in html and ">Лицевой счёт<" not in html


def test_the_audit_log_reads_as_sentences_in_russian(app, make_tenant, make_user, login):
    tenant = make_tenant("audit", login_identifier="contract", locale="ru")
    admin = make_user(tenant, "boss", roles=("tenant_admin",))
    with app.test_request_context(), tenant_scope(tenant.id):
        record("plugin.enable", "plugin", "isp")
        record("isp.promise.expired", "contract", "77001")
        record("brand.new.action", "thing", "1")
        record("user.create", "user", "8", after={"login": "200104", "roles": ["subscriber"], "vip": True})
        record(
            "user.profile",
            "user",
            "8",
            before={"full_name": "Иванов", "phone": "1"},
            after={"full_name": "Петров", "phone": "1"},
        )
        session.commit()
    html = login(tenant, admin).get(tenant_path(tenant, "/admin/audit")).get_data(as_text=True)
    assert "Включён модуль Интернет и ТВ" in html  # the plugin by its title, not its code
    assert 'Обещанный платёж по договору <span class="mono">77001</span>' in html  # the plugin's wording, by prefix
    assert "brand.new.action thing 1" in html  # nobody words it: the code is shown, not hidden
    assert '{"' not in html and "&#34;" not in html  # changes are fields in words, not raw JSON
    assert 'Логин: <span class="mono">200104</span>' in html and "Роли: Абонент" in html
    assert '<span class="mono">vip</span>: да' in html  # a field nobody names: its code, the value in words
    assert ": Иванов → Петров</div>" in html and "Телефон:" not in html  # only what changed
    assert "система (командная строка)" in html  # recorded outside a request


def test_a_plugin_words_its_own_audit_actions_and_a_code_worded_twice_stops_the_start():
    import types

    import pytest

    from core.audit import wording
    from core.plugins.manager import PluginHost

    def probe(name: str):
        module = types.ModuleType(name)
        module.plugin_info = PluginInfo(name=name, version="1.0.0", title=name)
        module.audit_actions = hookimpl(lambda: [AuditAction("probe.ping", "Pinged %(object)s")])
        return module

    host = PluginHost()
    host.register_core("audit", wording)
    host.register(probe("probe_one"))
    assert wording.build(host)["probe.ping"] == "Pinged %(object)s"
    host.register(probe("probe_two"))
    with pytest.raises(ValueError, match=r"probe\.ping"):
        wording.build(host)
