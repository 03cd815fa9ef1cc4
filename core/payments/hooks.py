"""How payments plug into core, like a plugin: the settings namespaces (``payments.*``), the job that
imports registries uploaded on the admin page, the bank's callback pages, the payment agent's endpoint and the
operators' registry pages."""

from __future__ import annotations

import click
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.access.registry import STAFF
from core.payments import admin as _admin  # noqa: F401 - its pages on the admin blueprint
from core.payments import day_pages as _day_pages  # noqa: F401 - payments of a day, on the admin blueprint
from core.payments.agent import admin_pages as _payment_agent_pages  # noqa: F401 - on the admin blueprint
from core.payments.settings import NAMESPACES
from core.payments.uploads import IMPORT_JOB_NAME, import_queued
from core.plugins.markers import hookimpl
from core.plugins.types import Job, MenuItem, Permission
from core.settings.types import SettingsNamespace

#: The job's name, for ``abonent jobs run`` and the tests.
IMPORT_JOB = IMPORT_JOB_NAME


@hookimpl
def register_jobs() -> list[Job]:
    """Registry uploads waiting for import are taken every few seconds."""
    return [Job(IMPORT_JOB, import_queued, every_seconds=5)]


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    """The payment gateway's settings (PayKeeper address and secret, sandbox)."""
    return list(NAMESPACES)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The card gateway's pages and the payment agent's endpoint (``/payments/agent/osmp``, off until configured)."""
    from core.payments.agent.views import blueprint as agent
    from core.payments.gateway_views import blueprint

    return [blueprint, agent]


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [
        MenuItem(_l("Payments of the day"), "admin.payments_day", order=24, area="admin", permission="accounts.view"),
        MenuItem(_l("Payment registries"), "admin.registries", order=25, area="admin", permission="payments.import"),
        MenuItem(_l("Unidentified payments"), "admin.suspense", order=26, area="admin", permission="payments.suspense"),
    ]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("payments.import", "Import bank payment registries", STAFF),
        Permission("payments.suspense", "Move payments out of suspense to the right account", STAFF),
        Permission("payments.manual", "Take payments at the office", STAFF),
    ]


@hookimpl
def register_commands(cli: click.Group) -> None:
    """``abonent payments import``: import a bank registry."""
    from core.payments.cli import payments

    cli.add_command(payments)
