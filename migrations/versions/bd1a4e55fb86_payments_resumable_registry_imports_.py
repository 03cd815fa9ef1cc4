"""payments: resumable registry imports (staged lines, posting cursor)

Revision ID: bd1a4e55fb86
Revises: b071d2df6473
Create Date: 2026-12-03 09:27:38.998623
"""

import sqlalchemy as sa
from alembic import op

from core.migrate import disable_row_level_security, enable_row_level_security


revision = "bd1a4e55fb86"
down_revision = "b071d2df6473"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_import_lines",
        sa.Column("registry_import_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("payment_id", sa.String(length=100), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("payer", sa.String(length=300), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registry_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_import_lines_registry_import_id_registry_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_registry_import_lines_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("registry_import_id", "seq", name=op.f("pk_registry_import_lines")),
    )
    with op.batch_alter_table("registry_import_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_import_lines_tenant_id"), ["tenant_id"], unique=False)
    enable_row_level_security(op, "registry_import_lines")

    with op.batch_alter_table("registry_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), server_default="done", nullable=False))
        batch_op.add_column(sa.Column("posted_lines", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("registry_imports", schema=None) as batch_op:
        batch_op.drop_column("posted_lines")
        batch_op.drop_column("status")

    disable_row_level_security(op, "registry_import_lines")
    with op.batch_alter_table("registry_import_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_import_lines_tenant_id"))

    op.drop_table("registry_import_lines")
