"""The dmdk plugin's hook implementations: where core meets the ГИИС ДМДК vertical (its one index)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.api import MenuItem, TenantJob, hookimpl


@hookimpl
def register_blueprints():
    from plugins.dmdk.certlogin import views as _certlogin_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.common.blueprints import web
    from plugins.dmdk.selfcheck import views as _selfcheck_views  # noqa: F401 - attaches its routes

    return [web]


@hookimpl
def register_commands(cli):
    from plugins.dmdk.certlogin.cli import dmdk

    cli.add_command(dmdk)


@hookimpl
def register_settings():
    from plugins.dmdk.certlogin.settings import SETTINGS

    return [SETTINGS]


@hookimpl
def menu_items(tenant, user):
    if user is None:
        return [
            MenuItem(_l("Log in with a certificate"), "dmdk.login", area="login"),
            MenuItem(_l("Check a certificate"), "dmdk.certificate_check", order=110, area="login"),
        ]
    return []


@hookimpl
def register_jobs():
    from plugins.dmdk.certlogin.nonces import purge_nonces

    return [TenantJob("dmdk.nonces.purge", "dmdk", purge_nonces, every_seconds=3600)]
