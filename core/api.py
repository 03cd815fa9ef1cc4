"""The public surface for plugins: import from here, never from core's inner modules.

Everything named here is kept stable across core's minor versions (CKAN's ``toolkit`` idea), so a
plugin written against it survives refactoring inside core.
"""

from core import __version__ as core_version
from core.access.guard import can, current_principal, public, require
from core.access.service import (
    assign_role,
    can_assign,
    has_permission,
    organization_roles,
    revoke_role,
    user_permissions,
)
from core.accounts.models import PersonalAccount
from core.accounts.service import (
    AccountError,
    accounts_of,
    close_account,
    find_account,
    grant_access,
    open_account,
    revoke_access,
    users_of_account,
    users_of_accounts,
)
from core.audit.service import record as audit
from core.audit.service import record_many as audit_many
from core.audit.wording import AuditAction
from core.db import Base, TenantOwned, cross_tenant, current_tenant_id, session, tenant_ref, tenant_scope, utcnow
from core.db.config_version import invalidates_caches, process_cache  # per-process caches of configuration
from core.db.keyset import KeysetPage, keyset_page  # pages of lists that can grow (the ``pager`` macro)
from core.db.memo import request_memo
from core.db.queries import get_or_404, one_of
from core.db.session import (
    begin_writing,  # ``reads_before_writing``'s view: the checks are done, the writes follow
    reads_before_writing,  # a POST that reads and checks slowly, then writes: no write lock while it reads
    writes_on_get,  # a GET view that writes: SQLite transactions begin IMMEDIATE
)
from core.db.tenancy import built_once  # a hot query built once per process, its tenant filter kept per tenant
from core.files.access import register_owner as register_file_owner
from core.files.models import StoredFile
from core.files.storage import UploadRejected, check_upload
from core.files.storage import store as store_file
from core.files.views import file_response
from core.i18n import N_
from core.identity import throttle
from core.identity.models import Organization, User
from core.identity.service import IdentityError, create_user
from core.identity.targets import target_user
from core.identity.web_login import log_in
from core.jobs.background import Progress, TaskError, start_task, task_url
from core.jobs.batch import young_collections_only
from core.ledger import service as ledger
from core.ledger.service import Entry, IdempotencyConflict, LedgerError, TransactionSpec, Transfer
from core.mail.outbox import queue_mail
from core.migrate import (
    disable_row_level_security,
    downgrade_tenant_keys,
    enable_row_level_security,
    tenant_foreign_key,
    upgrade_tenant_keys,
)
from core.money.current import account_or_404, current_account, my_accounts
from core.money.fields import MoneyField
from core.money.figures import (
    BalanceView,
    Operation,  # one line of the money history (the ``operation_title`` hook's argument)
    balance_view,
)
from core.money.format import AmountError, format_money, parse_money, parse_rubles
from core.money.outlook import ChargeOutlook, CostSpan, MoneyOwed
from core.money.titles import day_title  # "2026-12-07" → "7 декабря" in the viewer's language, for titles
from core.news.audiences import Audience
from core.notify.kinds import NotificationKind
from core.notify.service import Notice, notify, notify_each, recipient_language, recipient_locale
from core.payments.models import Payment
from core.payments.service import PaymentError
from core.plugins.enablement import tenants_with_plugin
from core.plugins.markers import hookimpl
from core.plugins.state import enabled_plugins, plugin_settings, tenant_hooks
from core.plugins.types import (
    BackgroundAction,
    Counter,
    DemoLogin,
    Job,
    LoginVariant,
    MenuItem,
    Permission,
    PluginInfo,
    ReceiptLine,
    RoleSpec,
    TenantJob,
    Widget,
)
from core.receipts.format import format_rub
from core.receipts.model import Receipt, ReceiptError, build_receipt, payment_qr_payload
from core.receipts.pdf import PdfError, html_to_pdf
from core.receipts.pdf import fonts as pdf_fonts
from core.receipts.qr import qr_svg
from core.receipts.views import qr_image
from core.rest.lookup import BEARER, found_first
from core.settings.service import SettingsError, get_settings, save_settings
from core.settings.types import Settings, SettingsNamespace
from core.support.categories import TicketCategory
from core.support.service import count_open_tickets, open_ticket
from core.tenants.current import NoTenantError, current_tenant
from core.tenants.models import Tenant
from core.tenants.urls import external_url, site_path
from core.visits.service import VisitError, request_visit
from core.visits.settings import visit_settings
from core.visits.slots import grid as visit_slot_grid
from core.visits.slots import local_today as visit_local_today
from core.web.bounds import page_number, parse_day, parse_id
from core.web.csv_export import csv_response, money_cell
from core.web.csv_import import CsvImport, CsvOutcome, CsvProblem, CsvRow, read_csv_rows, run_csv_import
from core.web.input import MAX_ID, FormInput, Id, Secret, Text, posted_form, read_form
from core.web.pagination import requested_page
from core.web.refusals import Refusal, RefusalSchema, Refused, RefusedSchema, refused_response
from core.web.sorting import SortOrder, chosen_order

__all__ = [
    "BEARER",
    "MAX_ID",
    "N_",
    "AccountError",
    "AmountError",
    "Audience",
    "AuditAction",
    "BackgroundAction",
    "BalanceView",
    "Base",
    "ChargeOutlook",
    "CostSpan",
    "Counter",
    "CsvImport",
    "CsvOutcome",
    "CsvProblem",
    "CsvRow",
    "DemoLogin",
    "Entry",
    "FormInput",
    "Id",
    "IdempotencyConflict",
    "IdentityError",
    "Job",
    "KeysetPage",
    "LedgerError",
    "LoginVariant",
    "MenuItem",
    "MoneyField",
    "MoneyOwed",
    "NoTenantError",
    "Notice",
    "NotificationKind",
    "Operation",
    "Organization",
    "Payment",
    "PaymentError",
    "PdfError",
    "Permission",
    "PersonalAccount",
    "PluginInfo",
    "Progress",
    "Receipt",
    "ReceiptError",
    "ReceiptLine",
    "Refusal",
    "RefusalSchema",
    "Refused",
    "RefusedSchema",
    "RoleSpec",
    "Secret",
    "Settings",
    "SettingsError",
    "SettingsNamespace",
    "SortOrder",
    "StoredFile",
    "TaskError",
    "Tenant",
    "TenantJob",
    "TenantOwned",
    "Text",
    "TicketCategory",
    "TransactionSpec",
    "Transfer",
    "UploadRejected",
    "User",
    "VisitError",
    "Widget",
    "account_or_404",
    "accounts_of",
    "assign_role",
    "audit",
    "audit_many",
    "balance_view",
    "begin_writing",
    "build_receipt",
    "built_once",
    "can",
    "can_assign",
    "check_upload",
    "chosen_order",
    "close_account",
    "core_version",
    "count_open_tickets",
    "create_user",
    "cross_tenant",
    "csv_response",
    "current_account",
    "current_principal",
    "current_tenant",
    "current_tenant_id",
    "day_title",
    "disable_row_level_security",
    "downgrade_tenant_keys",
    "enable_row_level_security",
    "enabled_plugins",
    "external_url",
    "file_response",
    "find_account",
    "format_money",
    "format_rub",
    "found_first",
    "get_or_404",
    "get_settings",
    "grant_access",
    "has_permission",
    "hookimpl",
    "html_to_pdf",
    "invalidates_caches",
    "keyset_page",
    "ledger",
    "log_in",
    "money_cell",
    "my_accounts",
    "notify",
    "notify_each",
    "one_of",
    "open_account",
    "open_ticket",
    "organization_roles",
    "page_number",
    "parse_day",
    "parse_id",
    "parse_money",
    "parse_rubles",
    "payment_qr_payload",
    "pdf_fonts",
    "plugin_settings",
    "posted_form",
    "process_cache",
    "public",
    "qr_image",
    "qr_svg",
    "queue_mail",
    "read_csv_rows",
    "read_form",
    "reads_before_writing",
    "recipient_language",
    "recipient_locale",
    "refused_response",
    "register_file_owner",
    "request_memo",
    "request_visit",
    "requested_page",
    "require",
    "revoke_access",
    "revoke_role",
    "run_csv_import",
    "save_settings",
    "session",
    "site_path",
    "start_task",
    "store_file",
    "target_user",
    "task_url",
    "tenant_foreign_key",
    "tenant_hooks",
    "tenant_ref",
    "tenant_scope",
    "tenants_with_plugin",
    "throttle",
    "upgrade_tenant_keys",
    "user_permissions",
    "users_of_account",
    "users_of_accounts",
    "utcnow",
    "visit_local_today",
    "visit_settings",
    "visit_slot_grid",
    "writes_on_get",
    "young_collections_only",
]
