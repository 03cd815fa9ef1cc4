"""``abonent users``: create users (staff, platform admins), block and unblock."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from core.cli.common import tenant_by_slug
from core.db import session, tenant_scope
from core.identity import service
from core.identity.models import USER_ACTIVE, USER_BLOCKED

users = AppGroup("users", help="Users of a tenant.")


@users.command("create")
@click.argument("login")
@click.option("--tenant", "slug", required=True)
@click.option("--role", "roles", multiple=True, default=("subscriber",), show_default=True)
@click.option("--name", "full_name", default="")
@click.option("--email", default=None)
@click.option("--password", default=None, help="Default: a random password, printed once.")
def create_command(
    login: str, slug: str, roles: tuple[str, ...], full_name: str, email: str | None, password: str | None
) -> None:
    """Create a user and print the password."""
    tenant = tenant_by_slug(slug)
    with tenant_scope(tenant.id):
        try:
            user, secret = service.create_user(
                tenant, login, full_name=full_name, email=email, roles=roles, password=password
            )
        except (service.IdentityError, ValueError) as error:
            session.rollback()
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        session.commit()
    click.echo(f"created {user.login} in {slug}; password: {secret}")


@users.command("block")
@click.argument("login")
@click.option("--tenant", "slug", required=True)
@click.option("--unblock", is_flag=True)
def block_command(login: str, slug: str, unblock: bool) -> None:
    """Block a user (ends every session at once), or unblock with --unblock."""
    tenant = tenant_by_slug(slug)
    with tenant_scope(tenant.id):
        user = service.find_user(tenant, login)
        if user is None:
            click.echo(f"error: no user {login!r} in {slug}", err=True)
            sys.exit(1)
        service.set_status(user, USER_ACTIVE if unblock else USER_BLOCKED)
        session.commit()
    click.echo(f"{login}: {'active' if unblock else 'blocked'}")
