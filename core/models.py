"""Imports every core model module, so the metadata (and Alembic) knows all core tables."""

from core.access import models as access_models
from core.accounts import models as accounts_models
from core.audit import models as audit_models
from core.db import config_version as config_version_models
from core.files import models as files_models
from core.identity import models as identity_models
from core.jobs import models as jobs_models
from core.ledger import models as ledger_models
from core.mail import models as mail_models
from core.news import models as news_models
from core.notify import models as notify_models
from core.payments import models as payments_models
from core.plugins import models as plugins_models
from core.settings import models as settings_models
from core.support import models as support_models
from core.tenants import models as tenants_models
from core.visits import models as visits_models

__all__ = [
    "access_models",
    "accounts_models",
    "audit_models",
    "config_version_models",
    "files_models",
    "identity_models",
    "jobs_models",
    "ledger_models",
    "mail_models",
    "news_models",
    "notify_models",
    "payments_models",
    "plugins_models",
    "settings_models",
    "support_models",
    "tenants_models",
    "visits_models",
]
