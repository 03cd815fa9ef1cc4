"""acme_guard base

Revision ID: 8761d693e0bc
Revises:
Create Date: 2026-12-03 10:39:55
"""

import sqlalchemy as sa
from alembic import op

from core.api import disable_row_level_security, enable_row_level_security

revision = "8761d693e0bc"
down_revision = None
branch_labels = ("acme_guard",)
depends_on = "7b3e5a91c2d4"


def upgrade() -> None:
    op.create_table(
        "acme_guard_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_acme_guard_items_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acme_guard_items")),
    )
    with op.batch_alter_table("acme_guard_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acme_guard_items_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_acme_guard_items_tenant_title", ["tenant_id", "title"], unique=True)
    enable_row_level_security(op, "acme_guard_items")


def downgrade() -> None:
    disable_row_level_security(op, "acme_guard_items")
    with op.batch_alter_table("acme_guard_items", schema=None) as batch_op:
        batch_op.drop_index("ix_acme_guard_items_tenant_title")
        batch_op.drop_index(batch_op.f("ix_acme_guard_items_tenant_id"))
    op.drop_table("acme_guard_items")
