"""Two populated tenants for the route-walking tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.db import session, tenant_scope
from core.identity.tokens import PASSWORD_RESET, issue_token
from core.mail.outbox import queue_mail
from plugins.faq.service import add_entry

ROLES = ("subscriber", "operator", "tenant_admin")


@dataclass
class Site:
    tenant: object
    users: dict = field(default_factory=dict)  # role code → user
    ids: dict = field(default_factory=dict)  # URL parameter name → id of an object of this tenant


def populate(app, make_tenant, make_user, enable_plugin, slug: str) -> Site:
    """A tenant with the FAQ plugin, one user per built-in role, and one object of each kind."""
    from datetime import timedelta

    tenant = make_tenant(slug, login_identifier="email")
    enable_plugin(tenant, "faq")
    site = Site(tenant)
    for role in ROLES:
        site.users[role] = make_user(tenant, f"{role}@{slug}.example", roles=(role,), full_name=f"{role} {slug}")
    with app.app_context(), tenant_scope(tenant.id):
        from core.identity.models import User

        user = session.get(User, site.users["subscriber"].id)
        entry = add_entry("Question?", "Answer.")
        message = queue_mail("x@example.com", "Subject", "new_password", tenant=tenant, user=user, password="p")
        site.ids["reset_token"] = issue_token(user, PASSWORD_RESET, timedelta(hours=1))
        session.commit()
        site.ids.update(user_id=user.id, entry_id=entry.id, message_id=message.id)
    return site
