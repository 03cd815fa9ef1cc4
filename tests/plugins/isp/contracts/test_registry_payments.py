"""A bank registry paying isp subscribers: paid contracts come back at once (set-based per chunk), each
subscriber hears once per import, by their preferences; a contract still in debt stays blocked."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api import session, tenant_scope
from core.audit.models import AuditEvent
from core.identity.models import User
from core.mail.models import OutboxMessage
from core.notify.models import Notification
from core.notify.service import set_preference
from core.payments.registry import import_registry
from plugins.isp.models import Contract
from tests.payments.test_registry import registry


def notices(user_id: int, kind: str) -> list[str]:
    query = select(Notification.title).where(Notification.user_id == user_id, Notification.kind == kind)
    return list(session.scalars(query.order_by(Notification.id)))


def test_a_registry_unblocks_paid_contracts_and_tells_each_subscriber_once(app, isp_tenant, catalog, make_contract):
    tenant = isp_tenant(locale="en")
    catalog(tenant)
    debtor = make_contract(tenant, "5001", balance=-50_000, blocked=True)  # pays 300 + 300 ₽: back to 100 ₽
    short = make_contract(tenant, "5002", balance=-50_000, blocked=True)  # pays 100 ₽: still in debt
    payer = make_contract(tenant, "5003", balance=0, email="payer@example.com")  # e-mail only, no in-app notice
    quiet = make_contract(tenant, "5004", balance=1_000)  # not in the registry
    with app.app_context(), tenant_scope(tenant.id):
        set_preference(session.get(User, payer.user_id), "payment_received", in_app=False, email=True)
        session.commit()
        mails_before = session.scalar(select(func.count()).select_from(OutboxMessage))
        data = registry(
            ("11", "5001", "300.00"),
            ("12", "5002", "100.00"),
            ("13", "5003", "70.00"),
            ("14", "777777", "1.00"),  # unknown: suspense
            ("15", "5001", "300.00"),  # the debtor's second payment, in the next chunk
        )
        imported = import_registry(data, "day.txt", "tester", chunk_size=4)
        assert (imported.matched, imported.suspense) == (4, 1)

        contracts = {c.number: c for c in session.scalars(select(Contract))}
        assert contracts["5001"].blocked_since is None and contracts["5001"].negative_since is None
        assert contracts["5001"].account.balance == 10_000
        assert contracts["5002"].blocked_since is not None and contracts["5002"].account.balance == -40_000
        assert contracts["5003"].blocked_since is None
        unblocks = session.execute(
            select(AuditEvent.object_id, AuditEvent.after).where(AuditEvent.action == "isp.unblock")
        ).all()
        assert [tuple(row) for row in unblocks] == [("5001", {"balance": 10_000})]  # in the audit log, once

        # the debtor: one notice for both payments, one that the services are back
        assert notices(debtor.user_id, "payment_received") == ["2 payments of 600.00\xa0₽ in total received"]
        assert notices(debtor.user_id, "isp_service_state") == ["Services of contract 5001 are active again"]
        assert len(notices(short.user_id, "payment_received")) == 1
        assert notices(short.user_id, "isp_service_state") == []
        assert notices(quiet.user_id, "payment_received") == []
        # the payer chose e-mail only: a read notice remembers the event, the centre hides it, one e-mail leaves
        assert session.scalar(select(Notification.read_at).where(Notification.user_id == payer.user_id)) is not None
        mails = session.scalars(select(OutboxMessage.to).where(OutboxMessage.kind == "notify:payment_received"))
        assert sorted(mails) == ["payer@example.com"]
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == mails_before + 1

        again = import_registry(data, "day.txt", "tester", chunk_size=4)  # the same file: nothing new
        assert again.duplicates == 5
        assert len(notices(debtor.user_id, "payment_received")) == 1
