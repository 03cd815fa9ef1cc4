"""``abonent demo`` and ``abonent serve``."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from core.db import cross_tenant, session, tenant_scope
from core.identity import service
from core.identity.passwords import hash_password
from core.jobs.queue import start_embedded_consumer
from core.migrate import upgrade
from core.plugins.types import DemoLogin
from core.tenants import files
from core.tenants.platform import ensure_platform_tenant

# The demo tenants ship inside the package, so `abonent demo` works from a plain `pip install`.
DEMO_TENANTS = Path(__file__).resolve().parent / "demo_tenants"
PLATFORM_ADMIN = {
    "login": "admin@abonent.localhost",
    "password": "platform-demo-2026",
    "roles": ["platform_admin"],
    "full_name": "Platform administrator",
    "email": "admin@abonent.localhost",
}


def _ensure_user(tenant, spec: dict) -> None:
    with tenant_scope(tenant.id):
        user = service.find_user(tenant, spec["login"])
        if user is None:
            service.create_user(
                tenant,
                spec["login"],
                full_name=spec.get("full_name", ""),
                email=spec.get("email"),
                roles=tuple(spec.get("roles", ["subscriber"])),
                password=spec["password"],
            )
        else:
            user.password_hash = hash_password(spec["password"])
            user.status = "active"


def _ensure_account(tenant, spec: dict) -> None:
    """A demo personal account with a few months of payments and charges (idempotent keys)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from core.accounts.service import find_account, grant_access, open_account
    from core.ledger import service as ledger

    with tenant_scope(tenant.id):
        account = find_account(spec["number"]) or open_account(
            spec["number"], holder_name=spec["holder_name"], holder_kind=spec["holder_kind"], address=spec["address"]
        )
        for login in spec["users"]:
            user = service.find_user(tenant, login)
            if user is not None:
                grant_access(user, account)
        tz = ZoneInfo(tenant.timezone)
        today = date.today()
        for back in range(3, 0, -1):
            year, month = today.year, today.month - back
            while month < 1:
                year, month = year - 1, month + 12
            period = f"{year:04d}-{month:02d}"
            if spec["monthly_payment"]:
                ledger.transfer(
                    f"demo:pay:{account.number}:{period}",
                    "payment",
                    ledger.clearing_account("sberbank"),
                    account.ledger_account,
                    spec["monthly_payment"],
                    occurred_at=datetime(year, month, 3, 12, tzinfo=tz),
                    memo="Сбербанк Онлайн",
                    meta={"channel": "registry", "provider": "sberbank"},
                )
            if spec["monthly_charge"]:
                ledger.transfer(
                    f"demo:charge:{account.number}:{period}",
                    "charge",
                    account.ledger_account,
                    ledger.revenue_account(spec["service"]),
                    spec["monthly_charge"],
                    service=spec["service"],
                    period=period,
                    occurred_at=datetime(year, month, 1, 0, 5, tzinfo=tz),
                    memo="Абонентская плата",
                )


def _load_plugin_demo_data(tenant, sections: dict[str, dict]) -> list[DemoLogin]:
    """Each enabled plugin builds its own demo data (``load_demo_data``) from its section of the file.

    Returns the logins the plugins created, to print with the file's own demo users.
    """
    from core.plugins.manager import flatten
    from core.plugins.state import enabled_plugins

    enabled = enabled_plugins(tenant)
    logins: list[DemoLogin] = []
    for name, data in sections.items():
        if name not in enabled:
            raise click.ClickException(f"{tenant.slug}: demo data for plugin {name!r}, which is not enabled")
        hook = current_app.plugins.hook.load_demo_data
        with tenant_scope(tenant.id):
            answers = flatten(current_app.plugins.call_one(name, hook, tenant=tenant, data=data))
            created = [_as_demo_login(name, item) for item in answers]
            for login in created:
                _reset_demo_password(tenant, login)
        session.commit()
        logins += created
    return logins


def _as_demo_login(plugin: str, item: object) -> DemoLogin:
    """A ``load_demo_data`` answer as a :class:`DemoLogin`; the dicts of core 0.3 still work, with a warning."""
    if isinstance(item, DemoLogin):
        return item
    if isinstance(item, dict) and {"login", "password"} <= item.keys():
        warnings.warn(
            f"{plugin}: load_demo_data should return core.api.DemoLogin(login, password, note), not dicts "
            "(dicts are accepted until core 0.6)",
            DeprecationWarning,
            stacklevel=2,
        )
        return DemoLogin(str(item["login"]), str(item["password"]), str(item.get("note") or ""))
    raise click.ClickException(f"{plugin}: load_demo_data returned {item!r}, not a DemoLogin")


def _reset_demo_password(tenant, login: DemoLogin) -> None:
    """The printed password works on every start, even after someone changed it in the demo."""
    user = service.find_user(tenant, login.login)
    if user is not None:
        user.password_hash = hash_password(login.password)
        user.status = "active"


def shipped_demo_files() -> list[Path]:
    """The demo tenant files the installed plugins ship (``demo_tenant_files``)."""
    from core.plugins.manager import flatten

    return [Path(path) for path in flatten(current_app.plugins.hook.demo_tenant_files())]


def prepare_demo(folder: Path) -> list[tuple]:
    """Upgrade the database, apply the demo tenants, create demo users. Idempotent."""
    upgrade(current_app)
    with cross_tenant():
        platform = ensure_platform_tenant()
        definitions = files.load_definitions(folder, shipped_demo_files())
        files.apply(files.plan(definitions))
        session.commit()
    _ensure_user(platform, PLATFORM_ADMIN)
    session.commit()
    listing = [(platform, [DemoLogin(PLATFORM_ADMIN["login"], PLATFORM_ADMIN["password"], "platform_admin")])]
    for definition in definitions:
        with cross_tenant():
            tenant = files.tenant_for(definition)
        for spec in definition.data["demo"]["users"]:
            _ensure_user(tenant, spec)
        session.commit()
        for spec in definition.data["demo"]["accounts"]:
            _ensure_account(tenant, spec)
        session.commit()
        plugin_logins = _load_plugin_demo_data(tenant, definition.data["demo"]["plugins"])
        file_logins = [
            DemoLogin(spec["login"], spec["password"], ", ".join(spec.get("roles", ["subscriber"])))
            for spec in definition.data["demo"]["users"]
        ]
        listing.append((tenant, [*file_logins, *plugin_logins]))
    return listing


def _use_served_address(host: str, port: int) -> None:
    """Links in mail point at the server being started, unless ``ABONENT_BASE_URL`` names another."""
    if "ABONENT_BASE_URL" not in os.environ:
        current_app.config["BASE_URL"] = f"http://{host}:{port}"
        if host not in current_app.config["PLATFORM_HOSTS"]:
            current_app.config["PLATFORM_HOSTS"] = [*current_app.config["PLATFORM_HOSTS"], host]


def _print_listing(listing: list[tuple], host: str, port: int) -> None:
    click.echo("\nAbonent demo is running. Open a tenant's site and log in:\n")
    for tenant, users in listing:
        if tenant.is_platform:
            click.echo(f"  Platform administration: http://{host}:{port}/login")
        else:
            click.echo(f"  {tenant.name}:")
            click.echo(f"    http://{tenant.slug}.localhost:{port}/   (or http://{host}:{port}/t/{tenant.slug}/)")
        for user in users:
            click.echo(f"      login {user.login!s:<28} password {user.password:<20} ({user.note})")
    click.echo("\nMail is kept in each site's admin area (Outgoing mail). Stop with Ctrl+C.\n")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--tenants", "folder", default=None, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-serve", is_flag=True, help="Prepare the database and exit.")
@with_appcontext
def demo(host: str, port: int, folder: Path | None, no_serve: bool) -> None:
    """Create/upgrade the demo database, apply demo tenants, create demo users, and serve."""
    _use_served_address(host, port)
    folder = folder or (Path.cwd() / "tenants" if (Path.cwd() / "tenants").is_dir() else DEMO_TENANTS)
    try:
        listing = prepare_demo(folder)
    except files.TenantFilesError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    _print_listing(listing, host, port)
    if no_serve:
        return
    app = current_app._get_current_object()
    start_embedded_consumer(app)
    run_simple(host, port, app, threaded=True, use_reloader=False)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--jobs/--no-jobs", default=True, help="Consume the job queue in this process too.")
@with_appcontext
def serve(host: str, port: int, jobs: bool) -> None:
    """Serve the app with the development server (use gunicorn in production, see README)."""
    _use_served_address(host, port)
    app = current_app._get_current_object()
    if jobs:
        start_embedded_consumer(app)
    run_simple(host, port, app, threaded=True, use_reloader=False)
