"""The subscriber's lists that grow without bound page by keyset: money history, notifications, support requests.

Walking a list by its "Next" links shows every row once, in order, whatever ties the sort keys have; "Previous"
leads back; a cursor a person mangled shows the first page (never an error page).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from core.accounts.service import grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.notify.models import Notification
from core.support.models import Ticket
from core.testing.fixtures import tenant_path
from core.testing.web import link_by_rel

COUNT = 120  # two full pages of 50 and a part
MOMENT = datetime(2026, 9, 1, 6, tzinfo=UTC)


@pytest.fixture
def cabinet(app, make_tenant, make_user):
    """A subscriber with an account of ``COUNT`` payments, ``COUNT`` notices and ``COUNT`` support requests; every
    three rows share a moment, so the pages must tell ties apart by id."""
    tenant = make_tenant("lists", login_identifier="contract", locale="en", timezone="Asia/Yekaterinburg")
    user = make_user(tenant, "300100", full_name="Petrov")
    with app.app_context(), tenant_scope(tenant.id):
        holder = session.get(User, user.id)
        account = open_account("300100", holder_name="Petrov P. P.", address="Lenina 1")
        grant_access(holder, account)
        clearing = ledger.clearing_account("sberbank")
        for n in range(COUNT):
            moment = MOMENT - timedelta(hours=n // 3)
            ledger.transfer(f"p{n}", "payment", clearing, account.ledger_account, (n + 1) * 100, occurred_at=moment)
        session.add_all(
            Notification(user_id=user.id, kind="low_balance", title=f"Notice {n}", body="", created_at=MOMENT)
            for n in range(COUNT)
        )
        session.add_all(
            Ticket(
                author_id=user.id,
                category="technical",
                subject=f"Question {n}",
                created_at=MOMENT,
                updated_at=MOMENT - timedelta(hours=n // 3),
            )
            for n in range(COUNT)
        )
        session.commit()
    return tenant, user


#: path → how a row names itself on the page
LISTS = {
    "/money/history": re.compile(r'class="num plus">\+(\d+)\.00'),
    "/notifications": re.compile(r">Notice (\d+)</h2>"),
    "/support/": re.compile(r">Question (\d+)</a>"),
}


def _rows(page: str, path: str) -> list[int]:
    return [int(number) for number in LISTS[path].findall(page)]


@pytest.mark.parametrize("path", list(LISTS))
def test_next_links_walk_the_whole_list_once_in_order_and_previous_leads_back(app, cabinet, login, path):
    tenant, user = cabinet
    client = login(tenant, user)
    first = client.get(tenant_path(tenant, path)).get_data(as_text=True)
    seen, page, pages = [], first, []
    while True:
        pages.append(page)
        seen += _rows(page, path)
        following = link_by_rel(page, "next")
        if following is None:
            break
        response = client.get(following)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert len(pages) == 3 and f"101–{COUNT} of {COUNT}" in pages[-1]
    assert len(seen) == COUNT and len(set(seen)) == COUNT
    if path == "/money/history":  # row n is n + 1 roubles, newest first (every three share a moment: by id)
        assert seen == sorted(seen, key=lambda roubles: ((roubles - 1) // 3, -roubles))
    elif path == "/notifications":  # newest (largest id) first
        assert seen == sorted(seen, reverse=True)

    back = link_by_rel(pages[1], "prev")
    assert back is not None and _rows(client.get(back).get_data(as_text=True), path) == _rows(first, path)


@pytest.mark.parametrize("path", list(LISTS))
def test_a_mangled_cursor_shows_the_first_page_and_a_nul_in_it_is_refused_in_words(app, cabinet, login, path):
    tenant, user = cabinet
    client = login(tenant, user)
    first = _rows(client.get(tenant_path(tenant, path)).get_data(as_text=True), path)
    assert len(first) == 50
    mangled = ("x", "eyJrIjpbXX0", "W1sidCIsIjIwMjYiXV0", "a" * 5000, "eyJrIjpbWyJzIiwieCJdLFsiaSIsMV1dLCJuIjoxfQ")
    for cursor in mangled:
        for arg in ("after", "before"):
            response = client.get(tenant_path(tenant, path), query_string={arg: cursor})
            assert response.status_code == 200, (path, arg, cursor, response.status_code)
            assert _rows(response.get_data(as_text=True), path) == first
    refused = client.get(tenant_path(tenant, f"{path}?after=%00"))
    assert refused.status_code == 400 and "character that is not allowed" in refused.get_data(as_text=True)
