"""config version: one counter that every worker checks once per request to keep its caches of
tenants, enabled plugins and settings (core.db.config_version)

Revision ID: 7b3e5a91c2d4
Revises: bd1a4e55fb86
Create Date: 2026-12-03 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "7b3e5a91c2d4"
down_revision = "bd1a4e55fb86"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "config_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_version")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("config_version")
