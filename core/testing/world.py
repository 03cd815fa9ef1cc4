"""A populated tenant for the shipped route suites: one user per built-in role and one object of each kind.

Core creates its own objects here; every installed plugin adds its own through the
``populate_test_world`` hook and says which URL parameter each id fills. Core names no plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

ROLES = ("subscriber", "operator", "tenant_admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # enough for the content check of attachments
REGISTRY = "01-11-2026;10-15-00;8597;8597/0001;777;no-such-account;Иванов;адрес;1126;100.00;99.00;1.00\n=1;100.00\n"


@dataclass
class Site:
    """One tenant of the world: its users, an account they see, and the ids its URLs take."""

    tenant: Any
    users: dict[str, Any] = field(default_factory=dict)  # role code → user
    everyone: Any = None  # a user holding every built-in role of the tenant
    account: Any = None  # a personal account of the subscriber and of ``everyone`` (inside the tenant scope)
    ids: dict[str, Any] = field(default_factory=dict)  # URL parameter → id of an object of this tenant
    values: dict[str, Any] = field(default_factory=dict)  # other URL parameters (a plugin ``name``)
    reset_token: str = ""  # a live password-reset token of the subscriber


class WorldError(AssertionError):
    """A plugin's ``populate_test_world`` returned something the suites cannot use."""


def populate(app, make_tenant, make_user, enable_plugin, slug: str) -> Site:
    """A tenant with every installed plugin enabled, one user per built-in role, and one object of each kind."""
    from core.db import session, tenant_scope

    tenant = make_tenant(slug, login_identifier="email")
    plugin_names = list(app.plugins.names)
    for name in plugin_names:
        enable_plugin(tenant, name)
    site = Site(tenant)
    for role in ROLES:
        site.users[role] = make_user(tenant, f"{role}@{slug}.example", roles=(role,), full_name=f"{role} {slug}")
    site.everyone = make_user(tenant, f"all@{slug}.example", roles=ROLES, full_name=f"all roles {slug}")
    if plugin_names:
        site.values["name"] = plugin_names[0]
    with app.app_context(), tenant_scope(tenant.id):
        _core_objects(site, slug)
        session.commit()
        _plugin_objects(app, site)
        session.commit()
    return site


def _core_objects(site: Site, slug: str) -> None:
    from core.accounts.service import grant_access, open_account
    from core.db import session
    from core.files.models import StoredFile
    from core.identity.models import User
    from core.identity.tokens import PASSWORD_RESET, issue_token
    from core.jobs.models import DONE, BackgroundTask
    from core.ledger.service import clearing_account, transfer
    from core.mail.outbox import queue_mail
    from core.news.models import NewsItem
    from core.notify.service import notify
    from core.payments.models import Payment
    from core.payments.registry import import_registry
    from core.payments.service import create_card_order
    from core.payments.uploads import queue_upload
    from core.settings.service import save_settings
    from core.support.service import open_ticket
    from core.visits.models import VisitRequest

    user = session.get(User, site.users["subscriber"].id)
    everyone = session.get(User, site.everyone.id)
    account = open_account(f"{slug}-100", holder_name=f"Holder {slug}", address="Street 1")
    grant_access(user, account)
    order = create_card_order(account, 10_000, "paykeeper")
    save_settings("payments.paykeeper", {"sandbox": True})  # so the sandbox page is a page to walk
    grant_access(everyone, account)
    transfer(f"pay-{slug}", "payment", clearing_account("sberbank"), account.ledger_account, 10_000)
    message = queue_mail("x@example.com", "Subject", "new_password", tenant=site.tenant, user=user, password="p")
    registry = import_registry(REGISTRY.encode("cp1251"), "registry.txt", "world")  # one unknown account
    unidentified = session.scalar(select(Payment).where(Payment.registry_import_id == registry.id))
    upload = queue_upload(REGISTRY.encode("cp1251"), "queued.txt", "world")  # waits for the job worker
    visit = VisitRequest(author_id=user.id, personal_account_id=account.id, address="Street 1", reason="other")
    session.add(visit)
    ticket = open_ticket(user, "technical", "No link", "Light off.", source="web", attachments=[("a.png", PNG)])
    session.flush()
    attachment = session.scalar(select(StoredFile).where(StoredFile.owner_type == "ticket_message"))
    news = NewsItem(title=f"News of {slug}", body="Works tonight.", public=True)  # public, for everyone
    session.add(news)
    notice = notify(everyone, "news", f"Notice of {slug}", dedupe_key="world")
    session.flush()
    task = BackgroundTask(action="news.announce", params={"news_id": news.id}, status=DONE, figures={"notified": 0})
    session.add(task)
    session.flush()
    site.account = account
    site.reset_token = issue_token(user, PASSWORD_RESET, timedelta(hours=1))
    site.ids.update(
        user_id=user.id,
        message_id=message.id,
        account_id=account.id,
        order_id=order.order_id,
        import_id=registry.id,
        payment_id=unidentified.id,
        upload_id=upload.id,
        visit_id=visit.id,
        ticket_id=ticket.id,
        file_id=attachment.id,
        news_id=news.id,
        notification_id=notice.id,
        task_id=task.id,
    )


def _plugin_objects(app, site: Site) -> None:
    for plugin, ids in app.plugins.results(app.plugins.hook.populate_test_world, tenant=site.tenant, site=site):
        if ids is None:
            continue
        if not isinstance(ids, dict) or not all(isinstance(key, str) for key in ids):
            raise WorldError(f"{plugin}: populate_test_world must return {{URL parameter: id}}, not {ids!r}")
        clash = set(ids) & set(site.ids)
        if clash:
            raise WorldError(f"{plugin}: populate_test_world gives ids already given: {sorted(clash)}")
        site.ids.update(ids)
