"""dmdk documents, information exchange profiles, special-registration applications and their timeline

Revision ID: c4f82a1d6e37
Revises: e2a9c47b1d53
Create Date: 2026-12-04 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from core.api import disable_row_level_security, enable_row_level_security, tenant_foreign_key

TABLES = (
    "dmdk_documents",
    "dmdk_exchange_profiles",
    "dmdk_applications",
    "dmdk_application_documents",
    "dmdk_application_status_changes",
)

revision = "c4f82a1d6e37"
down_revision = "e2a9c47b1d53"
branch_labels = None
depends_on = "e21031d825ca"  # core: stored_files (the documents' files)


def _tenant(table: str) -> list:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    # By (tenant_id, id) when core's keys are Citus-ready already (a new database), see tenant_foreign_key.
    return tenant_foreign_key(op, column, target, name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def upgrade() -> None:
    t = "dmdk_documents"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "organization_id", "organizations"),
        _fk(t, "file_id", "stored_files", None),
        _fk(t, "uploaded_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    t = "dmdk_exchange_profiles"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("subdivision_id", sa.Integer(), nullable=True),
        sa.Column("system_name", sa.String(length=200), nullable=False),
        sa.Column("system_code", sa.String(length=50), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "organization_id", "organizations"),
        _fk(t, "subdivision_id", "organizations"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "tenant_id", "organization_id", "system_code", name=op.f(f"uq_{t}_tenant_id_organization_id_system_code")
        ),
    )
    t = "dmdk_applications"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_number", sa.String(length=50), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        *_tenant(t),
        _fk(t, "organization_id", "organizations"),
        _fk(t, "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    t = "dmdk_application_documents"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "application_id", "dmdk_applications"),
        _fk(t, "document_id", "dmdk_documents"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "tenant_id", "application_id", "document_id", name=op.f(f"uq_{t}_tenant_id_application_id_document_id")
        ),
    )
    t = "dmdk_application_status_changes"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        *_tenant(t),
        _fk(t, "application_id", "dmdk_applications"),
        _fk(t, "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("dmdk_documents", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_documents_organization", ["tenant_id", "organization_id"], unique=False)
        batch_op.create_index("ix_dmdk_documents_expires_on", ["tenant_id", "expires_on"], unique=False)
    with op.batch_alter_table("dmdk_applications", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_applications_organization", ["tenant_id", "organization_id"], unique=False)
        batch_op.create_index("ix_dmdk_applications_status", ["tenant_id", "status", "status_changed_at"], unique=False)
    with op.batch_alter_table("dmdk_application_documents", schema=None) as batch_op:
        batch_op.create_index("ix_dmdk_application_documents_document", ["tenant_id", "document_id"], unique=False)
    with op.batch_alter_table("dmdk_application_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dmdk_application_status_changes_application", ["tenant_id", "application_id"], unique=False
        )
    for table in TABLES:
        enable_row_level_security(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_row_level_security(op, table)
        op.drop_table(table)
