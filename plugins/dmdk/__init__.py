"""ГИИС ДМДК: a participant's cabinet of the state registry of precious metals and stones (issue #15).

The vertical for registry participants: an organization's head and employees log in with qualified
e-signature certificates, every identifier checks itself. It reaches core only through ``core.api`` and hooks.
Built capability by capability: the identifier checks (:mod:`plugins.dmdk.identifiers`), the certificate login
(:mod:`plugins.dmdk.certlogin`) and the public certificate self-check (:mod:`plugins.dmdk.selfcheck`) are here;
the registry lookup (:mod:`plugins.dmdk.registry`), the organization wizard (:mod:`plugins.dmdk.organizations`),
employees and their four roles (:mod:`plugins.dmdk.employees`), the organization's documents
(:mod:`plugins.dmdk.documents`), information exchange profiles (:mod:`plugins.dmdk.exchange`) and the application for
special registration worked by the registry's operator (:mod:`plugins.dmdk.applications`), batches with their
УИН and transfer specifications (:mod:`plugins.dmdk.batches`), and the demo registry (:mod:`plugins.dmdk.demo`).
"""

from __future__ import annotations

from pathlib import Path

from core.api import N_, PluginInfo
from plugins.dmdk import models  # noqa: F401 - the tables are known to the app and to Alembic

# The capabilities' own tables, loaded here next to ``models`` (which cannot import them: the capabilities import
# ``plugins.dmdk.models`` through ``common``, and a plugin's packages import one another without cycles).
from plugins.dmdk.applications import models as _applications_models  # noqa: F401
from plugins.dmdk.batches import models as _batch_models  # noqa: F401 - the batch register's tables too
from plugins.dmdk.documents import models as _documents_models  # noqa: F401
from plugins.dmdk.exchange import models as _exchange_models  # noqa: F401
from plugins.dmdk.hooks import (  # noqa: F401 - pluggy finds the hook implementations on this module
    audit_actions,
    demo_tenant_files,
    load_demo_data,
    menu_items,
    populate_test_world,
    register_api,
    register_blueprints,
    register_commands,
    register_jobs,
    register_notification_kinds,
    register_permissions,
    register_roles,
    register_settings,
    staff_counters,
)

HERE = Path(__file__).resolve().parent

plugin_info = PluginInfo(
    name="dmdk",
    version="0.1.0",
    title=N_("GIIS DMDK"),
    description=N_(
        "Registry participants: certificate login, organizations and roles, documents, exchange profiles, "
        "special registration."
    ),
    requires_core=">=0.1,<1",
    migrations=HERE / "migrations" / "versions",
    translations=HERE / "translations",
)
