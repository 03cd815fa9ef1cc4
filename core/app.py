"""The application factory. Everything app-wide (db, plugin host, registries) lives on the app."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from core import models as _models  # noqa: F401 - every core table in the metadata
from core.access import hooks as access_hooks
from core.access.setup import build_registry
from core.accounts import hooks as accounts_hooks
from core.audit import wording as audit_wording
from core.config import load_config
from core.console import counters as console_counters
from core.console import hooks as console_hooks
from core.console import ticket_panel
from core.db.session import Database, close_session
from core.extensions import babel, csrf, login_manager
from core.identity import hooks as identity_hooks
from core.jobs import background
from core.jobs import hooks as jobs_hooks
from core.jobs.queue import build_queue
from core.jobs.registry import build_jobs
from core.ledger import hooks as ledger_hooks
from core.money import hooks as money_hooks
from core.news import hooks as news_hooks
from core.notify import hooks as notify_hooks
from core.notify.registry import build_kinds
from core.payments import hooks as payments_hooks
from core.platform import hooks as platform_hooks
from core.plugins.manager import CORE_PREFIX, PluginHost
from core.settings.service import build_settings
from core.support import hooks as support_hooks
from core.visits import hooks as visits_hooks
from core.web import hooks as web_hooks
from core.web.bounds import BoundedIntConverter, BoundedJSONProvider, refuse_bad_input
from core.web.rate_limits import init_rate_limits

CORE_DIR = Path(__file__).resolve().parent
API_DESCRIPTION = (
    "Abonent subscriber API. Authenticate with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`."
)


def create_app(
    config: dict[str, Any] | None = None,
    *,
    plugins: Iterable[object] = (),
    discover: bool = True,
) -> Flask:
    """Build an Abonent app.

    ``config`` overrides settings read from ``ABONENT_*`` variables. ``plugins`` are registered in
    addition to the ones found through the ``abonent.plugins`` entry points (``discover=False``
    registers only the given ones, which tests use to stay isolated).
    """
    settings = load_config(config)
    app = Flask("core", instance_path=settings["INSTANCE_DIR"], instance_relative_config=False)
    app.config.update(settings)
    app.url_map.converters["int"] = BoundedIntConverter  # every <int:id> fits an id column, else 404
    app.json = BoundedJSONProvider(app)
    app.json.ensure_ascii = False  # Cyrillic stays readable in the API and in the audit log
    Path(settings["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)

    from core.tenants.resolution import TenantPathPrefix
    from core.web.session_cookie import TenantSessionInterface

    if settings["TRUSTED_PROXIES"]:
        n = settings["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.wsgi_app = TenantPathPrefix(app.wsgi_app)  # type: ignore[method-assign]
    app.session_interface = TenantSessionInterface()

    app.extensions["abonent.db"] = Database(settings["DATABASE_URL"], pooler=settings.get("DATABASE_POOLER", ""))
    app.teardown_appcontext(close_session)

    host = PluginHost()
    app.plugins = host  # type: ignore[attr-defined]
    host.register_core("access", access_hooks)
    host.register_core("jobs", jobs_hooks)
    host.register_core("identity", identity_hooks)
    host.register_core("web", web_hooks)
    host.register_core("money", money_hooks)
    host.register_core("notify", notify_hooks)
    host.register_core("support", support_hooks)
    host.register_core("payments", payments_hooks)
    host.register_core("visits", visits_hooks)
    host.register_core("news", news_hooks)
    host.register_core("accounts", accounts_hooks)
    host.register_core("platform", platform_hooks)
    host.register_core("console", console_hooks)
    host.register_core("ledger", ledger_hooks)
    host.register_core("console_counters", console_counters)
    host.register_core("ticket_panel", ticket_panel)
    host.register_core("audit", audit_wording)
    if discover:
        host.discover()
    for plugin in plugins:
        if getattr(plugin, "plugin_info", None) and plugin.plugin_info.name not in host.infos:
            host.register(plugin)
    app.extensions["abonent.access"] = build_registry(host)
    app.extensions["abonent.jobs"] = build_jobs(host)
    app.extensions[background.EXTENSION] = background.build_actions(host)
    build_queue(app)
    app.extensions["abonent.notification_kinds"] = build_kinds(host)
    app.extensions["abonent.settings"] = build_settings(host)
    app.extensions["abonent.audit_actions"] = audit_wording.build(host)

    # The tenant is resolved first, before CSRF and form parsing, so every error page (even for a
    # request too large to read) is the tenant's own, in the tenant's language.
    from core.web.setup import resolve_tenant

    app.before_request(resolve_tenant)
    app.before_request(refuse_bad_input)
    _init_observability(app)
    init_rate_limits(app)
    _init_extensions(app, host)
    _register_web(app, host)
    _register_api(app, host)
    host.hook.register_commands(cli=app.cli)
    return app


def _init_observability(app: Flask) -> None:
    from core.observability import probes
    from core.observability.request_log import configure_logging, init_request_log

    if app.config["LOG_FORMAT"]:
        configure_logging(app.config["LOG_FORMAT"])
    init_request_log(app)
    app.register_blueprint(probes.blueprint)


def _init_extensions(app: Flask, host: PluginHost) -> None:
    from core.web.i18n import select_locale, select_timezone, speed_up_babel

    directories = [str(CORE_DIR / "translations")]
    directories += [str(info.translations) for info in host.infos.values() if info.translations]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    speed_up_babel(app)
    csrf.init_app(app)
    login_manager.init_app(app)


def _register_web(app: Flask, host: PluginHost) -> None:
    from core.web import setup as web_setup

    web_setup.init_web(app)
    owners: dict[str, str] = {}
    for plugin_name, blueprints in host.results(host.hook.register_blueprints):
        for blueprint in blueprints or []:
            app.register_blueprint(blueprint)
            _own(owners, blueprint.name, plugin_name)
    app.extensions["abonent.blueprint_owner"] = owners


def _own(owners: dict[str, str], blueprint_name: str, plugin_name: str) -> None:
    """Record a vertical plugin's blueprint, whose routes answer 404 where it is disabled (core's are always on)."""
    if not plugin_name.startswith(CORE_PREFIX):
        owners[blueprint_name] = plugin_name


def _register_api(app: Flask, host: PluginHost) -> None:
    from core.rest import errors as api_errors
    from core.rest.document import serve_document_with_servers

    api = Api(
        app,
        spec_kwargs={"info": {"description": API_DESCRIPTION}},
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.extensions["abonent.api"] = api
    owners = app.extensions["abonent.blueprint_owner"]
    for plugin_name, blueprints in host.results(host.hook.register_api):
        for blueprint in blueprints or []:
            api.register_blueprint(blueprint)
            csrf.exempt(blueprint)
            _own(owners, blueprint.name, plugin_name)
    api_errors.init_api_errors(app)
    serve_document_with_servers(app, api)
