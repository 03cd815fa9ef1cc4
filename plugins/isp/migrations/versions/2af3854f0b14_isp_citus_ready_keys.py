"""isp citus-ready keys

Every key of the branch's tenant-owned tables includes tenant_id, so the tables can be distributed by tenant
(Citus): primary keys become (tenant_id, id), and every foreign key pointing at these tables becomes
(tenant_id, <column>) → (tenant_id, id). See core/db/tenant_keys.py.

Revision ID: 2af3854f0b14
Revises: 1049678a0406
Create Date: 2026-12-04 09:00:00.000000
"""

from alembic import op

from core.api import downgrade_tenant_keys, upgrade_tenant_keys

revision = "2af3854f0b14"
down_revision = "1049678a0406"
branch_labels = None
depends_on = "45dee0f76e32"

TABLES = (
    "isp_categories",
    "isp_charge_runs",
    "isp_contracts",
    "isp_freezes",
    "isp_onetime_orders",
    "isp_onetime_services",
    "isp_products",
    "isp_promises",
    "isp_subscriptions",
    "isp_tariff_changes",
    "isp_terminations",
)


def upgrade() -> None:
    upgrade_tenant_keys(op, TABLES)


def downgrade() -> None:
    downgrade_tenant_keys(op, TABLES)
