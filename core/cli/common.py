"""Helpers shared by CLI commands."""

from __future__ import annotations

import click
from sqlalchemy import select

from core.db import session
from core.tenants.models import Tenant


def tenant_by_slug(slug: str) -> Tenant:
    """The tenant named ``slug`` or a clear CLI error (exit 2)."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}; see `abonent tenants list`", param_hint="--tenant")
    return tenant
