"""``abonent``: the command line. Plugins add commands through ``register_commands``."""

from __future__ import annotations

import click
from flask.cli import AppGroup, ScriptInfo

from core import __version__
from core.app import create_app
from core.backup import commands as backup_commands
from core.cli import (
    db_commands,
    demo,
    docs_commands,
    jobs_commands,
    ledger_commands,
    plugin_commands,
    tenant_commands,
    user_commands,
)
from core.payments import registry_cli


class AbonentGroup(AppGroup):
    """Core's commands plus those plugins add to ``app.cli``; every command runs in the app context."""

    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("obj", ScriptInfo(create_app=create_app, load_dotenv_defaults=False))
        return super().make_context(info_name, args, parent=parent, **extra)

    def _plugin_commands(self, ctx: click.Context) -> click.Group:
        return ctx.ensure_object(ScriptInfo).load_app().cli

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_commands(ctx).list_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str):
        return super().get_command(ctx, name) or self._plugin_commands(ctx).get_command(ctx, name)


@click.group(cls=AbonentGroup)
@click.version_option(__version__, prog_name="abonent")
def cli() -> None:
    """Abonent: multi-tenant self-service cabinet (личный кабинет)."""


for group in (
    db_commands.db,
    tenant_commands.tenants,
    plugin_commands.plugins,
    user_commands.users,
    jobs_commands.jobs,
    ledger_commands.ledger,
    demo.demo,
    demo.serve,
    docs_commands.docs,
    registry_cli.payments,
    backup_commands.backup_command,
    backup_commands.restore_command,
):
    cli.add_command(group)


def main() -> None:
    cli(prog_name="abonent")
