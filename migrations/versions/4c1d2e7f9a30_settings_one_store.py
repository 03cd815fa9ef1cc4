"""settings: one store — plugins' settings move from tenant_plugins.settings to tenant_settings

A plugin's settings become the ``tenant_settings`` row whose namespace is the plugin's name, beside core's
namespaces. Downgrade moves them back onto the plugin's ``tenant_plugins`` row (rows of a plugin the tenant
never enabled have no such row and stay where they are).

Revision ID: 4c1d2e7f9a30
Revises: 3ae0f70865e8
Create Date: 2026-12-03 06:30:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "4c1d2e7f9a30"
down_revision = "3ae0f70865e8"
branch_labels = None
depends_on = None

_plugins = sa.table(
    "tenant_plugins",
    sa.column("tenant_id", sa.Integer()),
    sa.column("plugin", sa.String()),
    sa.column("settings", sa.JSON()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_settings = sa.table(
    "tenant_settings",
    sa.column("id", sa.Integer()),
    sa.column("tenant_id", sa.Integer()),
    sa.column("namespace", sa.String()),
    sa.column("values", sa.JSON()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    taken = {
        (row.tenant_id, row.namespace) for row in bind.execute(sa.select(_settings.c.tenant_id, _settings.c.namespace))
    }
    moved = [
        {
            "tenant_id": row.tenant_id,
            "namespace": row.plugin,
            "values": row.settings,
            "updated_at": row.updated_at or datetime.now(UTC),
        }
        for row in bind.execute(sa.select(_plugins))
        if row.settings and (row.tenant_id, row.plugin) not in taken
    ]
    if moved:
        op.bulk_insert(_settings, moved)
    with op.batch_alter_table("tenant_plugins", schema=None) as batch_op:
        batch_op.drop_column("settings")


def downgrade() -> None:
    with op.batch_alter_table("tenant_plugins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    bind = op.get_bind()
    enabled = {(row.tenant_id, row.plugin) for row in bind.execute(sa.select(_plugins.c.tenant_id, _plugins.c.plugin))}
    for row in bind.execute(sa.select(_settings)).all():
        if (row.tenant_id, row.namespace) not in enabled:
            continue
        bind.execute(
            _plugins.update()
            .where(_plugins.c.tenant_id == row.tenant_id, _plugins.c.plugin == row.namespace)
            .values(settings=row.values)
        )
        bind.execute(_settings.delete().where(_settings.c.id == row.id))
    with op.batch_alter_table("tenant_plugins", schema=None) as batch_op:
        batch_op.alter_column("settings", server_default=None)
