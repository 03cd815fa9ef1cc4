"""Two populated tenants for the route-walking tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.files.models import StoredFile
from core.identity.tokens import PASSWORD_RESET, issue_token
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
from plugins.faq.service import add_entry

ROLES = ("subscriber", "operator", "tenant_admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # enough for the content check of attachments
REGISTRY = "01-11-2026;10-15-00;8597;8597/0001;777;no-such-account;Иванов;адрес;1126;100.00;99.00;1.00\n=1;100.00\n"


@dataclass
class Site:
    tenant: object
    users: dict = field(default_factory=dict)  # role code → user
    everyone: object = None  # a user holding every built-in role of the tenant
    ids: dict = field(default_factory=dict)  # URL parameter name → id of an object of this tenant


def populate(app, make_tenant, make_user, enable_plugin, slug: str) -> Site:
    """A tenant with the FAQ and ISP plugins, one user per built-in role, and one object of each kind."""
    from datetime import timedelta

    tenant = make_tenant(slug, login_identifier="email")
    enable_plugin(tenant, "faq")
    enable_plugin(tenant, "isp")
    site = Site(tenant)
    for role in ROLES:
        site.users[role] = make_user(tenant, f"{role}@{slug}.example", roles=(role,), full_name=f"{role} {slug}")
    site.everyone = make_user(tenant, f"all@{slug}.example", roles=ROLES, full_name=f"all roles {slug}")
    with app.app_context(), tenant_scope(tenant.id):
        from core.identity.models import User

        user = session.get(User, site.users["subscriber"].id)
        everyone = session.get(User, site.everyone.id)
        entry = add_entry("Question?", "Answer.")
        account = open_account(f"{slug}-100", holder_name=f"Holder {slug}", address="Street 1")
        grant_access(user, account)
        order = create_card_order(account, 10_000, "paykeeper")
        save_settings("payments.paykeeper", {"sandbox": True})  # so the sandbox page is a page to walk
        grant_access(everyone, account)
        transfer(f"pay-{slug}", "payment", clearing_account("sberbank"), account.ledger_account, 10_000)
        message = queue_mail("x@example.com", "Subject", "new_password", tenant=tenant, user=user, password="p")
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
        site.ids.update(news_id=news.id, notification_id=notice.id)
        site.ids["reset_token"] = issue_token(user, PASSWORD_RESET, timedelta(hours=1))
        session.commit()
        site.ids.update(ticket_id=ticket.id, file_id=attachment.id)
        site.ids.update(
            user_id=user.id, entry_id=entry.id, message_id=message.id, account_id=account.id, order_id=order.order_id
        )
        site.ids.update(import_id=registry.id, payment_id=unidentified.id, visit_id=visit.id, upload_id=upload.id)
        site.ids.update(_isp_objects(account))
    return site


def _isp_objects(account) -> dict:
    """An isp catalogue product and a contract with it on the site's account."""
    from datetime import date

    from plugins.isp.contracts.service import subscribe
    from plugins.isp.models import Contract, Product

    product = Product(code="world-inet", kind="internet", title="World 100", monthly_fee=50_000, speed_mbps=100)
    session.add(product)
    contract = Contract(number=account.number, account=account, category="cable", signed_on=date(2026, 1, 1))
    session.add(contract)
    session.flush()
    subscribe(contract, product, date(2026, 1, 1))
    session.commit()
    return {"product_id": product.id, "contract_id": contract.id}
