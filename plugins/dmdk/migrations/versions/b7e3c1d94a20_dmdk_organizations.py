"""dmdk organizations: wizard drafts, profiles, subdivisions, employees and their role history

Revision ID: b7e3c1d94a20
Revises: 5d1c0a7e9b42
Create Date: 2026-12-03 10:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from core.api import disable_row_level_security, enable_row_level_security, tenant_foreign_key

TABLES = (
    "dmdk_organization_drafts",
    "dmdk_organization_profiles",
    "dmdk_subdivisions",
    "dmdk_employees",
    "dmdk_role_changes",
)

revision = "b7e3c1d94a20"
down_revision = "5d1c0a7e9b42"
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
    with op.batch_alter_table("dmdk_certificate_holders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_inn", sa.String(length=12), nullable=True))

    t = "dmdk_organization_drafts"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "user_id", "users"),
        _fk(t, "organization_id", "organizations"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f(f"uq_{t}_tenant_id_user_id")),
    )
    t = "dmdk_organization_profiles"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inn", sa.String(length=12), nullable=False),
        sa.Column("ogrn", sa.String(length=15), nullable=False),
        sa.Column("kpp", sa.String(length=9), nullable=False),
        sa.Column("full_name", sa.String(length=500), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "organization_id", "organizations"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("tenant_id", "inn", name=op.f(f"uq_{t}_tenant_id_inn")),
        sa.UniqueConstraint("tenant_id", "organization_id", name=op.f(f"uq_{t}_tenant_id_organization_id")),
    )
    t = "dmdk_subdivisions"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("kpp", sa.String(length=9), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        *_tenant(t),
        _fk(t, "organization_id", "organizations"),
        _fk(t, "parent_id", "organizations"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("tenant_id", "organization_id", name=op.f(f"uq_{t}_tenant_id_organization_id")),
        sa.UniqueConstraint("tenant_id", "parent_id", "kpp", name=op.f(f"uq_{t}_tenant_id_parent_id_kpp")),
    )
    t = "dmdk_employees"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "user_id", "users"),
        _fk(t, "organization_id", "organizations"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f(f"uq_{t}_tenant_id_user_id")),
    )
    t = "dmdk_role_changes"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role_code", sa.String(length=60), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "user_id", "users"),
        _fk(t, "organization_id", "organizations"),
        _fk(t, "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("dmdk_subdivisions", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_subdivisions_parent", ["tenant_id", "parent_id"], unique=False)
    with op.batch_alter_table("dmdk_employees", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_employees_organization", ["tenant_id", "organization_id"], unique=False)
    with op.batch_alter_table("dmdk_role_changes", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_role_changes_user", ["tenant_id", "user_id"], unique=False)
    for table in TABLES:
        enable_row_level_security(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_row_level_security(op, table)
        op.drop_table(table)
    with op.batch_alter_table("dmdk_certificate_holders", schema=None) as batch_op:
        batch_op.drop_column("organization_inn")
