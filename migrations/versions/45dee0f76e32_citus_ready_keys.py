"""citus-ready keys

Every key of the branch's tenant-owned tables includes tenant_id, so the tables can be distributed by tenant
(Citus): primary keys become (tenant_id, id), and every foreign key pointing at these tables becomes
(tenant_id, <column>) → (tenant_id, id). Plugins' foreign keys to core's tables are converted here too
(they point at these keys); each plugin's branch converts its own tables in a revision depending on this one.
ON DELETE SET NULL (stored_files.uploaded_by, registry_uploads.registry_import_id, dmdk_role_changes.actor_id)
becomes no action: it would null tenant_id. See core/db/tenant_keys.py.

Revision ID: 45dee0f76e32
Revises: 7b3e5a91c2d4
Create Date: 2026-12-04 09:00:00.000000
"""

from alembic import op

from core.migrate import downgrade_tenant_keys, upgrade_tenant_keys

revision = "45dee0f76e32"
down_revision = "7b3e5a91c2d4"
branch_labels = None
depends_on = None

TABLES = (
    "account_access",
    "audit_events",
    "auth_sessions",
    "background_tasks",
    "gateway_notifications",
    "ledger_accounts",
    "ledger_transactions",
    "news_items",
    "news_reads",
    "notification_preferences",
    "notifications",
    "one_time_tokens",
    "organizations",
    "outbox_messages",
    "password_reset_requests",
    "payments",
    "personal_accounts",
    "postings",
    "registry_import_lines",
    "registry_imports",
    "registry_uploads",
    "role_assignments",
    "roles",
    "stored_files",
    "tenant_plugins",
    "tenant_settings",
    "ticket_messages",
    "ticket_status_changes",
    "tickets",
    "users",
    "visit_requests",
)


def upgrade() -> None:
    upgrade_tenant_keys(op, TABLES)


def downgrade() -> None:
    downgrade_tenant_keys(op, TABLES)
