"""housing citus-ready keys

Every key of the branch's tenant-owned tables includes tenant_id, so the tables can be distributed by tenant
(Citus): primary keys become (tenant_id, id), and every foreign key pointing at these tables becomes
(tenant_id, <column>) → (tenant_id, id). See core/db/tenant_keys.py.

Revision ID: 849541e2bdfa
Revises: 5d31ead2e2c7
Create Date: 2026-12-04 09:00:00.000000
"""

from alembic import op

from core.api import downgrade_tenant_keys, upgrade_tenant_keys

revision = "849541e2bdfa"
down_revision = "5d31ead2e2c7"
branch_labels = None
depends_on = "45dee0f76e32"

TABLES = (
    "housing_account_premises",
    "housing_accruals",
    "housing_building_readings",
    "housing_buildings",
    "housing_meters",
    "housing_premises",
    "housing_readings",
    "housing_reports",
    "housing_services",
)


def upgrade() -> None:
    upgrade_tenant_keys(op, TABLES)


def downgrade() -> None:
    downgrade_tenant_keys(op, TABLES)
