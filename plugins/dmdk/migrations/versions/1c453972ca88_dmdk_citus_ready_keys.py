"""dmdk citus-ready keys

Every key of the branch's tenant-owned tables includes tenant_id, so the tables can be distributed by tenant
(Citus): primary keys become (tenant_id, id), and every foreign key pointing at these tables becomes
(tenant_id, <column>) → (tenant_id, id). See core/db/tenant_keys.py.

Revision ID: 1c453972ca88
Revises: c4f82a1d6e37
Create Date: 2026-12-04 09:00:00.000000
"""

from alembic import op

from core.api import downgrade_tenant_keys, upgrade_tenant_keys

revision = "1c453972ca88"
down_revision = "c4f82a1d6e37"
branch_labels = None
depends_on = "45dee0f76e32"

TABLES = (
    "dmdk_application_documents",
    "dmdk_application_status_changes",
    "dmdk_applications",
    "dmdk_batches",
    "dmdk_certificate_holders",
    "dmdk_documents",
    "dmdk_employees",
    "dmdk_exchange_profiles",
    "dmdk_login_nonces",
    "dmdk_organization_drafts",
    "dmdk_organization_profiles",
    "dmdk_role_changes",
    "dmdk_specification_items",
    "dmdk_specifications",
    "dmdk_subdivisions",
)


def upgrade() -> None:
    upgrade_tenant_keys(op, TABLES)


def downgrade() -> None:
    downgrade_tenant_keys(op, TABLES)
