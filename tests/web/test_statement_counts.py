"""A subscriber page costs the same number of SQL statements with 10 rows as with 1,000.

The site is an internet provider's (the isp plugin on, as in the demo): a subscriber with a contract
of two services, and N of everything the pages list — charges and payments on the account, news
(some for a tariff's subscribers, some important), support tickets. Each page is opened once to warm
the per-process caches, then counted with 10 rows and again with 1,000; the count must not grow and
must stay under the page's ceiling.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.accounts.models import PersonalAccount
from core.api import session, tenant_scope
from core.ledger import service as ledger
from core.ledger.models import LedgerTransaction, Posting
from core.news.models import NewsItem
from core.support.models import Ticket, TicketMessage
from core.testing.fixtures import tenant_path
from core.testing.statements import counted_statements
from plugins.isp.contracts.service import NewContract, open_contract
from plugins.isp.models import Product

SMALL, LARGE = 10, 1000

#: The most statements each page may send once the worker's caches are warm, counted on SQLite; PostgreSQL
#: sends one more, the tenant scope for row-level security (once per transaction, when the tenant is known).
#: Transaction control is not counted on either (SQLite's ``BEGIN`` is a statement the engine sends,
#: PostgreSQL's is implicit in psycopg; see ``core.testing.statements``). Issue #11 asks the dashboard for 8
#: (on PostgreSQL too); what is left on it: the config version, the session with its user and role
#: assignments, the account, the contract with its services, its state (pending change, promise,
#: termination and freezes: one statement), the subscriber's open visits, and the layout's news banner with
#: the unread notices count (the reader's tariffs for the news audience come from the contract already read).
#: The lists that grow (history, support requests) page by keyset: a page and the count of the whole list for the
#: pager ("1–50 of 1,000"), two statements. Lower a ceiling when a page gets cheaper; never raise one without a
#: reason in the commit.
CEILINGS = {
    "/": 7,
    "/money/": 7,
    "/money/history": 7,
    "/isp/": 6,
    "/support/": 7,
    "/news/": 6,
}

#: What each page must show with 1,000 rows (the statements are saved, not the content).
SHOWN = {
    "/": ("Home 100", "TV Base"),
    "/money/": ("Home 100", "TV Base"),
    "/money/history": ("Home 100", "TV Base"),
    "/isp/": ("Home 100", "TV Base"),
    "/support/": ("Вопрос 0", "Вопрос 49"),
    "/news/": ("Новость 0", "Новость 3"),  # 3 is for the subscribers of TV Base: this one
}

PRODUCTS = (("inet100", "internet", "Home 100", 50_000), ("tvbase", "tv", "TV Base", 30_000))


@pytest.fixture
def cabinet(app, make_tenant, enable_plugin):
    """The provider's site and its subscriber (logged in with the contract number)."""
    tenant = make_tenant("pages", login_identifier="contract", locale="ru", timezone="Asia/Yekaterinburg")
    enable_plugin(tenant, "isp")
    start = date.today() - timedelta(days=90)
    with app.app_context(), tenant_scope(tenant.id):
        for position, (code, kind, title, fee) in enumerate(PRODUCTS):
            session.add(Product(code=code, kind=kind, title=title, monthly_fee=fee, position=position, speed_mbps=100))
        session.flush()
        _contract, user, password = open_contract(
            tenant,
            NewContract(number="700100", holder_name="Иванов И. И.", products=("inet100", "tvbase"), starts_on=start),
            today=start,
        )
        session.commit()
        user.password = password
        session.expunge(user)
    return tenant, user


def add_rows(app, tenant, user, first: int, last: int) -> None:
    """Rows ``first`` … ``last - 1`` of each kind: a charge or a payment, a news item, a ticket with two messages."""
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context(), tenant_scope(tenant.id):
        account = session.scalar(select(PersonalAccount))
        personal = account.ledger_account
        clearing = ledger.clearing_account("sberbank")
        revenue = {code: ledger.revenue_account(code) for code, *_ in PRODUCTS}
        total = 0
        for n in range(first, last):
            moment = now - timedelta(hours=n + 1)
            if n % 10 == 9:
                kind, amount, service, other, meta = "payment", 100_000, None, clearing, {"provider": "sberbank"}
            else:
                code = PRODUCTS[n % 2][0]
                kind, amount, service, other, meta = "charge", -1_000, code, revenue[code], {}
            period = f"{moment:%Y-%m}" if kind == "charge" else None
            transaction = LedgerTransaction(
                idempotency_key=f"rows:{n}", kind=kind, payload_hash="", meta=meta, occurred_at=moment
            )
            transaction.postings = [
                Posting(
                    ledger_account_id=personal.id,
                    amount=amount,
                    kind=kind,
                    service=service,
                    period=period,
                    occurred_at=moment,
                ),
                Posting(
                    ledger_account_id=other.id,
                    amount=-amount,
                    kind=kind,
                    service=service,
                    period=period,
                    occurred_at=moment,
                ),
            ]
            session.add(transaction)
            total += amount
        personal.balance += total
        other.balance -= total
        news = [
            NewsItem(
                title=f"Новость {n}",
                body="Работы на линии.",
                published_at=now - timedelta(minutes=n + 1),
                important=n % 50 == 0,
                public=n % 3 != 0,
                audience={"filter": "tariff", "value": PRODUCTS[n % 2][0]} if n % 3 == 0 else {},
            )
            for n in range(first, last)
        ]
        tickets = [
            Ticket(
                author_id=user.id,
                category="technical",
                subject=f"Вопрос {n}",
                created_at=now - timedelta(hours=n + 1),
                updated_at=now - timedelta(minutes=n + 1),
            )
            for n in range(first, last)
        ]
        session.add_all(news + tickets)
        session.flush()
        session.add_all(
            TicketMessage(ticket_id=ticket.id, author_id=user.id, body="Текст", created_at=ticket.created_at)
            for ticket in tickets
        )
        session.commit()


def page_statements(app, client, tenant, path: str):
    with counted_statements(app) as statements:
        response = client.get(tenant_path(tenant, path))
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return statements, response.get_data(as_text=True)


@pytest.mark.parametrize("path", list(CEILINGS))
def test_a_subscriber_page_sends_as_many_statements_for_a_thousand_rows_as_for_ten(app, cabinet, login, path):
    tenant, user = cabinet
    add_rows(app, tenant, user, 0, SMALL)
    client = login(tenant, user)
    page_statements(app, client, tenant, path)  # warm up: the per-process caches fill here
    small, _page = page_statements(app, client, tenant, path)

    add_rows(app, tenant, user, SMALL, LARGE)
    large, page = page_statements(app, client, tenant, path)
    assert all(text in page for text in SHOWN[path]), path

    assert len(large) == len(small), (
        f"{path}: {len(small)} statements with {SMALL} rows, {len(large)} with {LARGE}:\n{large.report()}"
    )
    ceiling = CEILINGS[path] + (1 if app.extensions["abonent.db"].dialect == "postgresql" else 0)
    assert len(large) <= ceiling, f"{path}: {len(large)} statements:\n{large.report()}"
