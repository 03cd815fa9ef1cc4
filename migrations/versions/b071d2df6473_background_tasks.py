"""jobs: background tasks (long operator actions with their progress)

Revision ID: b071d2df6473
Revises: 4c1d2e7f9a30
Create Date: 2026-12-03 09:40:59.733183
"""

import sqlalchemy as sa
from alembic import op

from core.migrate import disable_row_level_security, enable_row_level_security

revision = "b071d2df6473"
down_revision = "4c1d2e7f9a30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "background_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=120), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=260), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_background_tasks_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_tasks")),
    )
    with op.batch_alter_table("background_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_background_tasks_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_background_tasks_tenant_status", ["tenant_id", "status"], unique=False)
    enable_row_level_security(op, "background_tasks")


def downgrade() -> None:
    disable_row_level_security(op, "background_tasks")
    with op.batch_alter_table("background_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_background_tasks_tenant_status")
        batch_op.drop_index(batch_op.f("ix_background_tasks_tenant_id"))
    op.drop_table("background_tasks")
