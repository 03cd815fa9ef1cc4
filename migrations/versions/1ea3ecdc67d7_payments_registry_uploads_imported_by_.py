"""payments: registry uploads imported by the job worker

Revision ID: 1ea3ecdc67d7
Revises: dd10e5020194
Create Date: 2026-12-02 14:04:03.338871
"""

import sqlalchemy as sa
from alembic import op

from core.migrate import disable_row_level_security, enable_row_level_security


revision = "1ea3ecdc67d7"
down_revision = "dd10e5020194"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=260), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("actor", sa.String(length=260), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_lines", sa.Integer(), nullable=True),
        sa.Column("checked_total", sa.BigInteger(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("registry_import_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registry_import_id"],
            ["registry_imports.id"],
            name=op.f("fk_registry_uploads_registry_import_id_registry_imports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_registry_uploads_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_uploads")),
    )
    with op.batch_alter_table("registry_uploads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_uploads_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_registry_uploads_tenant_status", ["tenant_id", "status"], unique=False)
    enable_row_level_security(op, "registry_uploads")


def downgrade() -> None:
    disable_row_level_security(op, "registry_uploads")
    with op.batch_alter_table("registry_uploads", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_uploads_tenant_status")
        batch_op.drop_index(batch_op.f("ix_registry_uploads_tenant_id"))

    op.drop_table("registry_uploads")
