"""dmdk base: login challenges and certificate holders

Revision ID: 5d1c0a7e9b42
Revises:
Create Date: 2026-12-03 10:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

from core.api import disable_row_level_security, enable_row_level_security, tenant_foreign_key

TABLES = ("dmdk_login_nonces", "dmdk_certificate_holders")


revision = "5d1c0a7e9b42"
down_revision = None
branch_labels = ("dmdk",)
depends_on = "8ea8875cdfd8"


def upgrade() -> None:
    op.create_table(
        "dmdk_login_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_dmdk_login_nonces_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dmdk_login_nonces")),
        sa.UniqueConstraint("tenant_id", "value", name=op.f("uq_dmdk_login_nonces_tenant_id_value")),
    )
    with op.batch_alter_table("dmdk_login_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dmdk_login_nonces_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_dmdk_login_nonces_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "dmdk_certificate_holders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("snils", sa.String(length=11), nullable=True),
        sa.Column("inn", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_dmdk_certificate_holders_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        tenant_foreign_key(
            op, "user_id", "users", name=op.f("fk_dmdk_certificate_holders_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dmdk_certificate_holders")),
        sa.UniqueConstraint("tenant_id", "inn", name=op.f("uq_dmdk_certificate_holders_tenant_id_inn")),
        sa.UniqueConstraint("tenant_id", "snils", name=op.f("uq_dmdk_certificate_holders_tenant_id_snils")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f("uq_dmdk_certificate_holders_tenant_id_user_id")),
    )
    with op.batch_alter_table("dmdk_certificate_holders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dmdk_certificate_holders_tenant_id"), ["tenant_id"], unique=False)

    for table in TABLES:
        enable_row_level_security(op, table)


def downgrade() -> None:
    for table in TABLES:
        disable_row_level_security(op, table)
    with op.batch_alter_table("dmdk_certificate_holders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dmdk_certificate_holders_tenant_id"))
    op.drop_table("dmdk_certificate_holders")
    with op.batch_alter_table("dmdk_login_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dmdk_login_nonces_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_dmdk_login_nonces_expires_at"))
    op.drop_table("dmdk_login_nonces")
