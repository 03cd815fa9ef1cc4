"""Imports every core model module, so the metadata (and Alembic) knows all core tables."""

from core.access import models as access_models
from core.accounts import models as accounts_models
from core.audit import models as audit_models
from core.identity import models as identity_models
from core.ledger import models as ledger_models
from core.mail import models as mail_models
from core.payments import models as payments_models
from core.plugins import models as plugins_models
from core.settings import models as settings_models
from core.tenants import models as tenants_models

__all__ = [
    "access_models",
    "accounts_models",
    "audit_models",
    "identity_models",
    "ledger_models",
    "mail_models",
    "payments_models",
    "plugins_models",
    "settings_models",
    "tenants_models",
]
