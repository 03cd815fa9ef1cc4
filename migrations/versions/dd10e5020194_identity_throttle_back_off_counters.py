"""identity: back-off counters (last event, index for pruning) and queued password-reset requests

Revision ID: dd10e5020194
Revises: e21031d825ca
Create Date: 2026-12-02 13:20:09.775285
"""

import sqlalchemy as sa
from alembic import op

from core.migrate import disable_row_level_security, enable_row_level_security

revision = "dd10e5020194"
down_revision = "e21031d825ca"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The old counters used unhashed keys and hard locks: start afresh.
    op.execute("DELETE FROM login_throttle")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.alter_column("window_started_at", new_column_name="last_event_at")
    op.create_index("ix_login_throttle_last_event_at", "login_throttle", ["last_event_at"], unique=False)

    op.create_table(
        "password_reset_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_password_reset_requests_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_requests")),
    )
    with op.batch_alter_table("password_reset_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_requests_tenant_id"), ["tenant_id"], unique=False)
    enable_row_level_security(op, "password_reset_requests")


def downgrade() -> None:
    disable_row_level_security(op, "password_reset_requests")
    with op.batch_alter_table("password_reset_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_requests_tenant_id"))
    op.drop_table("password_reset_requests")

    op.execute("DELETE FROM login_throttle")
    op.drop_index("ix_login_throttle_last_event_at", table_name="login_throttle")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.alter_column("last_event_at", new_column_name="window_started_at")
