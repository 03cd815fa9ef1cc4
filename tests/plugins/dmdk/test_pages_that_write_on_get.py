"""The dmdk pages that write on GET (a login challenge, a proxy login, the wizard's draft, a miss of the public
УИН lookup) are marked ``writes_on_get``: on SQLite a concurrent writer makes them wait instead of answering 500."""

from __future__ import annotations

from core.db.session import view_writes_on_get


def test_the_pages_that_write_on_get_are_marked(app):
    for endpoint in ("dmdk.login", "dmdk.proxy_login", "dmdk.wizard_step", "dmdk.uin_lookup", "api_dmdk.lookup_uin"):
        assert view_writes_on_get(app.view_functions[endpoint]), endpoint
    assert not view_writes_on_get(app.view_functions["dmdk.my_organization"])  # it only reads
