"""The dmdk plugin's hook implementations: where core meets the ГИИС ДМДК vertical (its one index)."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.api import N_, AuditAction, Counter, MenuItem, NotificationKind, Permission, TenantJob, hookimpl


@hookimpl
def register_blueprints():
    from plugins.dmdk.applications import admin as _applications_admin  # noqa: F401 - attaches its routes
    from plugins.dmdk.applications import views as _applications_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.batches import lookup_views as _lookup_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.batches import specification_views as _specification_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.batches import views as _batches_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.certlogin import admin as _certlogin_admin  # noqa: F401 - attaches its routes
    from plugins.dmdk.certlogin import registration as _registration  # noqa: F401 - attaches its routes
    from plugins.dmdk.certlogin import views as _certlogin_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.common.blueprints import web
    from plugins.dmdk.documents import views as _documents_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.employees import views as _employees_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.exchange import views as _exchange_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.organizations import views as _organizations_views  # noqa: F401 - attaches its routes
    from plugins.dmdk.selfcheck import views as _selfcheck_views  # noqa: F401 - attaches its routes

    return [web]


@hookimpl
def register_api():
    # Each capability's ``api`` module attaches its endpoints to the one ``api_dmdk`` blueprint.
    from plugins.dmdk.applications import api as _applications_api  # noqa: F401 - attaches its endpoints
    from plugins.dmdk.batches import api as _batches_api  # noqa: F401
    from plugins.dmdk.common.blueprints import api
    from plugins.dmdk.documents import api as _documents_api  # noqa: F401 - attaches its endpoints
    from plugins.dmdk.exchange import api as _exchange_api  # noqa: F401 - attaches its endpoints
    from plugins.dmdk.organizations import api as _organizations_api  # noqa: F401 - attaches its endpoints

    return [api]


@hookimpl
def register_permissions():
    from plugins.dmdk.employees.roles import PERMISSIONS

    return [
        Permission(
            "dmdk.certlogin.manage", "Manage the certificate trust store and trusted proxies", ("tenant_admin",)
        ),
        *PERMISSIONS,
    ]


@hookimpl
def register_roles():
    from plugins.dmdk.employees.roles import ROLES

    return list(ROLES)


@hookimpl
def register_notification_kinds():
    from plugins.dmdk.applications.service import notification_kinds as application_kinds
    from plugins.dmdk.documents.reminders import notification_kinds as document_kinds

    return [
        NotificationKind("dmdk_roles", N_("Changes of my roles in the organization")),
        NotificationKind("dmdk_transfers", N_("Transfer specifications of my organization")),
        *application_kinds(),
        *document_kinds(),
    ]


@hookimpl
def audit_actions():
    return [
        AuditAction("dmdk.organization.register", N_("Organization %(object)s registered")),
        AuditAction("dmdk.organization.update", N_("The profile of organization %(object)s changed")),
        AuditAction("dmdk.employee.join", N_("User %(object)s registered as an employee")),
        AuditAction("dmdk.roles.change", N_("The organization roles of user %(object)s changed")),
        AuditAction("dmdk.batch.create", N_("Batch %(object)s created")),
        AuditAction("dmdk.batch.register", N_("Batch %(object)s registered")),
        AuditAction("dmdk.batch.write_off", N_("Batch %(object)s written off")),
        AuditAction("dmdk.batch.delete", N_("Draft batch %(object)s deleted")),
        AuditAction("dmdk.spec.create", N_("Transfer specification No. %(object)s drawn up")),
        AuditAction("dmdk.spec.send", N_("Transfer specification No. %(object)s sent")),
        AuditAction("dmdk.spec.accept", N_("Transfer specification No. %(object)s accepted")),
        AuditAction("dmdk.spec.return", N_("Transfer specification No. %(object)s returned")),
        AuditAction("dmdk.spec.delete", N_("Draft transfer specification No. %(object)s deleted")),
        AuditAction("dmdk.document.add", N_("Document %(object)s added")),
        AuditAction("dmdk.document.change", N_("Document %(object)s changed")),
        AuditAction("dmdk.document.delete", N_("Document %(object)s deleted")),
        AuditAction("dmdk.exchange_profile.save", N_("Exchange profile %(object)s saved")),
        AuditAction("dmdk.exchange_profile.delete", N_("Exchange profile %(object)s deleted")),
        AuditAction("dmdk.application.draft", N_("Application %(object)s started")),
        AuditAction("dmdk.application.submitted", N_("Application %(object)s submitted")),
        AuditAction("dmdk.application.registered", N_("Application %(object)s registered")),
        AuditAction("dmdk.application.rejected", N_("Application %(object)s rejected")),
    ]


@hookimpl
def register_commands(cli):
    from plugins.dmdk.certlogin.cli import dmdk

    cli.add_command(dmdk)


@hookimpl
def register_settings():
    from plugins.dmdk.applications.settings import SETTINGS as APPLICATIONS
    from plugins.dmdk.certlogin.settings import SETTINGS as CERTLOGIN

    return [CERTLOGIN, APPLICATIONS]


@hookimpl
def menu_items(tenant, user):
    if user is None:
        return [
            MenuItem(_l("Log in with a certificate"), "dmdk.login", area="login"),
            MenuItem(_l("Check a certificate"), "dmdk.certificate_check", order=110, area="login"),
            MenuItem(_l("Check a batch by its UIN"), "dmdk.uin_lookup", order=120, area="login"),
        ]
    return [
        MenuItem(_l("My organization"), "dmdk.my_organization", order=20),
        MenuItem(
            _l("Special registration"),
            "dmdk.admin_applications",
            order=30,
            area="admin",
            permission="dmdk.registry.operate",
        ),
        MenuItem(
            _l("Certificate login"), "dmdk.trust_settings", order=80, area="admin", permission="dmdk.certlogin.manage"
        ),
    ]


@hookimpl
def staff_counters(tenant, user):
    from plugins.dmdk.applications.service import awaiting_decision

    return [
        Counter(
            _l("Applications for special registration awaiting a decision"),
            awaiting_decision(),
            "dmdk.admin_applications",
            permission="dmdk.registry.operate",
        )
    ]


@hookimpl
def populate_test_world(tenant, site):
    from plugins.dmdk.testing import populate

    return populate(site)


@hookimpl
def register_jobs():
    from plugins.dmdk.certlogin.nonces import purge_nonces
    from plugins.dmdk.documents.reminders import jobs as document_jobs

    return [TenantJob("dmdk.nonces.purge", "dmdk", purge_nonces, every_seconds=3600), *document_jobs()]


@hookimpl
def demo_tenant_files():
    return [Path(__file__).resolve().parent / "demo" / "registry.toml"]


@hookimpl
def load_demo_data(tenant, data):
    from plugins.dmdk.demo.seed import load

    return load(tenant, data)
