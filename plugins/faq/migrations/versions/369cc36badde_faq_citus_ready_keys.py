"""faq citus-ready keys

Every key of the branch's tenant-owned tables includes tenant_id, so the tables can be distributed by tenant
(Citus): primary keys become (tenant_id, id), and every foreign key pointing at these tables becomes
(tenant_id, <column>) → (tenant_id, id). See core/db/tenant_keys.py.

Revision ID: 369cc36badde
Revises: f87122015aec
Create Date: 2026-12-04 09:00:00.000000
"""

from alembic import op

from core.api import downgrade_tenant_keys, upgrade_tenant_keys

revision = "369cc36badde"
down_revision = "f87122015aec"
branch_labels = None
depends_on = "45dee0f76e32"

TABLES = ("faq_entries",)


def upgrade() -> None:
    upgrade_tenant_keys(op, TABLES)


def downgrade() -> None:
    downgrade_tenant_keys(op, TABLES)
