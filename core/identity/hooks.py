"""How identity plugs into core: logging in (web session and API token), its pages, API, menu, jobs and commands."""

from __future__ import annotations

from typing import Any

import click
from flask import Blueprint, g
from flask_babel import lazy_gettext as _l

from core.access.registry import ADMIN, STAFF
from core.extensions import login_manager
from core.identity import admin as _admin  # noqa: F401 - its pages on the admin blueprint
from core.identity import contact_pages as _contact_pages  # noqa: F401 - staff correct a subscriber's details
from core.identity import staff_admin as _staff_admin  # noqa: F401 - its pages on the admin blueprint
from core.identity.jobs import housekeeping, reset_mail
from core.identity.models import User
from core.identity.sessions import API, WEB, find_session
from core.plugins.markers import hookimpl
from core.plugins.types import Job, MenuItem, Permission


@hookimpl
def register_jobs() -> list[Job]:
    """Identity's periodic work: reset requests become mail; old login counters are pruned."""
    return [
        Job("core.identity.reset_mail", reset_mail, every_seconds=5),
        Job("core.identity.housekeeping", housekeeping, every_seconds=600),
    ]


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Flask-Login stores the server-side session's secret; a revoked or foreign one logs nobody in."""
    if g.get("tenant") is None:
        return None
    row = find_session(token, WEB)
    if row is None:
        return None
    g.auth_session = row
    row.user.session_token = token
    return row.user


@hookimpl(trylast=True)
def principal_for_token(token: str) -> User | None:
    """The owner of an API token issued at log-in; its session goes to ``g.auth_session`` (log-out revokes it)."""
    row = find_session(token, API)
    if row is None:
        return None
    g.auth_session = row
    return row.user


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from core.identity.views import blueprint

    return [blueprint]


@hookimpl
def register_api() -> list[Any]:
    from core.identity.api import auth, me_blp, tenant_blp

    return [auth, me_blp, tenant_blp]


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [
        MenuItem(_l("Profile"), "identity.profile", order=900),
        MenuItem(_l("Subscribers"), "admin.subscribers", order=10, area="admin", permission="subscribers.view"),
        MenuItem(_l("Staff"), "admin.staff", order=20, area="admin", permission="staff.manage"),
    ]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("subscribers.view", "See subscribers", STAFF),
        Permission("subscribers.manage", "Create, block subscribers and reset their passwords", STAFF),
        Permission("staff.manage", "Manage staff and their roles", ADMIN),
    ]


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``abonent users …``: create and block users."""
    from core.identity.cli import users

    cli.add_command(users)
