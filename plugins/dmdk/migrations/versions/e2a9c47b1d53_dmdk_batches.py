"""dmdk batches: batches with their UIN, transfer specifications and the batches each lists

Revision ID: e2a9c47b1d53
Revises: b7e3c1d94a20
Create Date: 2026-12-05 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from core.api import disable_row_level_security, enable_row_level_security, tenant_foreign_key

TABLES = ("dmdk_specifications", "dmdk_batches", "dmdk_specification_items")

revision = "e2a9c47b1d53"
down_revision = "b7e3c1d94a20"
branch_labels = None
depends_on = None


def _tenant(table: str) -> list:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
    ]


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    # By (tenant_id, id) when core's keys are Citus-ready already (a new database), see tenant_foreign_key.
    return tenant_foreign_key(op, column, target, name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def upgrade() -> None:
    t = "dmdk_specifications"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        *_tenant(t),
        _fk(t, "sender_id", "organizations"),
        _fk(t, "receiver_id", "organizations"),
        _fk(t, "created_by", "users", "SET NULL"),
        _fk(t, "decided_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    t = "dmdk_batches"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uin", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("metal", sa.String(length=20), nullable=False),
        sa.Column("fineness", sa.Integer(), nullable=False),
        sa.Column("weight_mg", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("specification_id", sa.Integer(), nullable=True),
        sa.Column("write_off_reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("written_off_at", sa.DateTime(timezone=True), nullable=True),
        *_tenant(t),
        _fk(t, "organization_id", "organizations"),
        _fk(t, "specification_id", "dmdk_specifications", "SET NULL"),
        _fk(t, "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("tenant_id", "uin", name=op.f(f"uq_{t}_tenant_id_uin")),
    )
    t = "dmdk_specification_items"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("specification_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        *_tenant(t),
        _fk(t, "specification_id", "dmdk_specifications"),
        _fk(t, "batch_id", "dmdk_batches"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "tenant_id", "specification_id", "batch_id", name=op.f(f"uq_{t}_tenant_id_specification_id_batch_id")
        ),
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("dmdk_specifications", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_specifications_sender", ["tenant_id", "sender_id", "id"], unique=False)
        batch_op.create_index("ix_dmdk_specifications_receiver", ["tenant_id", "receiver_id", "id"], unique=False)
    with op.batch_alter_table("dmdk_batches", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_batches_owner", ["tenant_id", "organization_id", "id"], unique=False)
    with op.batch_alter_table("dmdk_specification_items", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_specification_items_batch", ["tenant_id", "batch_id"], unique=False)
    for table in TABLES:
        enable_row_level_security(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_row_level_security(op, table)
        op.drop_table(table)
