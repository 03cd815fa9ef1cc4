"""The public surface for plugins: import from here, never from core's inner modules.

Everything named here is kept stable across core's minor versions (CKAN's ``toolkit`` idea), so a
plugin written against it survives refactoring inside core.
"""

from core import __version__ as core_version
from core.access.guard import can, current_principal, public, require
from core.access.service import assign_role, can_assign, has_permission, revoke_role, user_permissions
from core.accounts.models import PersonalAccount
from core.accounts.service import (
    AccountError,
    accounts_of,
    find_account,
    grant_access,
    open_account,
    users_of_account,
    users_of_accounts,
)
from core.audit.service import record as audit
from core.audit.wording import AuditAction
from core.db import Base, TenantOwned, cross_tenant, current_tenant_id, session, tenant_scope, utcnow
from core.db.queries import get_or_404
from core.i18n import N_
from core.identity.models import Organization, User
from core.identity.service import IdentityError, create_user
from core.identity.targets import target_user
from core.ledger import service as ledger
from core.ledger.service import Entry, IdempotencyConflict, LedgerError, TransactionSpec, Transfer
from core.mail.outbox import queue_mail
from core.migrate import disable_row_level_security, enable_row_level_security
from core.money.current import account_or_404, current_account, my_accounts
from core.money.fields import MoneyField
from core.money.format import AmountError, format_money, parse_money, parse_rubles
from core.news.audiences import Audience
from core.notify.kinds import NotificationKind
from core.notify.service import notify
from core.payments.service import PaymentError
from core.plugins.enablement import tenants_with_plugin
from core.plugins.markers import hookimpl
from core.plugins.state import enabled_plugins, plugin_settings, tenant_hooks
from core.plugins.types import (
    Counter,
    Job,
    LoginVariant,
    MenuItem,
    Permission,
    PluginInfo,
    RoleSpec,
    TenantJob,
    Widget,
)
from core.settings.service import get_settings
from core.settings.types import Settings, SettingsNamespace
from core.support.categories import TicketCategory
from core.support.service import count_open_tickets, open_ticket
from core.tenants.current import NoTenantError, current_tenant
from core.tenants.models import Tenant
from core.tenants.urls import site_path
from core.web.bounds import page_number, parse_day, parse_id
from core.web.csv_export import csv_response, money_cell
from core.web.input import MAX_ID, FormInput, Id, Text, read_form
from core.web.sorting import SortOrder, chosen_order

__all__ = [
    "MAX_ID",
    "N_",
    "AccountError",
    "AmountError",
    "Audience",
    "AuditAction",
    "Base",
    "Counter",
    "Entry",
    "FormInput",
    "Id",
    "IdempotencyConflict",
    "IdentityError",
    "Job",
    "LedgerError",
    "LoginVariant",
    "MenuItem",
    "MoneyField",
    "NoTenantError",
    "NotificationKind",
    "Organization",
    "PaymentError",
    "Permission",
    "PersonalAccount",
    "PluginInfo",
    "RoleSpec",
    "Settings",
    "SettingsNamespace",
    "SortOrder",
    "Tenant",
    "TenantJob",
    "TenantOwned",
    "Text",
    "TicketCategory",
    "TransactionSpec",
    "Transfer",
    "User",
    "Widget",
    "account_or_404",
    "accounts_of",
    "assign_role",
    "audit",
    "can",
    "can_assign",
    "chosen_order",
    "core_version",
    "count_open_tickets",
    "create_user",
    "cross_tenant",
    "csv_response",
    "current_account",
    "current_principal",
    "current_tenant",
    "current_tenant_id",
    "disable_row_level_security",
    "enable_row_level_security",
    "enabled_plugins",
    "find_account",
    "format_money",
    "get_or_404",
    "get_settings",
    "grant_access",
    "has_permission",
    "hookimpl",
    "ledger",
    "money_cell",
    "my_accounts",
    "notify",
    "open_account",
    "open_ticket",
    "page_number",
    "parse_day",
    "parse_id",
    "parse_money",
    "parse_rubles",
    "plugin_settings",
    "public",
    "queue_mail",
    "read_form",
    "require",
    "revoke_role",
    "session",
    "site_path",
    "target_user",
    "tenant_hooks",
    "tenant_scope",
    "tenants_with_plugin",
    "user_permissions",
    "users_of_account",
    "users_of_accounts",
    "utcnow",
]
