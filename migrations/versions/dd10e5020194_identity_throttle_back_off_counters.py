"""identity: throttle back-off counters (last event instead of window start, index for pruning)

Revision ID: dd10e5020194
Revises: e21031d825ca
Create Date: 2026-12-02 13:20:09.775285
"""

from alembic import op


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


def downgrade() -> None:
    op.execute("DELETE FROM login_throttle")
    op.drop_index("ix_login_throttle_last_event_at", table_name="login_throttle")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.alter_column("last_event_at", new_column_name="window_started_at")
