"""Keyset pages (core.db.keyset): forward and back in mixed directions, the total, positions, bad cursors."""

from __future__ import annotations

from sqlalchemy import select

from core.db import session, tenant_scope
from core.db.keyset import Cursor, keyset_page
from core.identity.models import User


def _page(**cursor):
    stmt = select(User).where(User.login.startswith("k"))
    return keyset_page(stmt, (User.full_name.desc(), User.id), size=7, **cursor).map(lambda row: row[0].login)


def test_forward_and_back_in_mixed_directions(app, make_tenant, make_user):
    tenant = make_tenant("isp", login_identifier="contract")
    users = [make_user(tenant, f"k{n:02d}", full_name=f"Name {n % 4}") for n in range(17)]
    make_user(tenant, "other", full_name="Name 9")  # not in the list
    expected = [u.login for u in sorted(users, key=lambda u: (-int(u.full_name[-1]), u.id))]
    with app.app_context(), tenant_scope(tenant.id):
        pages = [_page()]
        while pages[-1].next_cursor:
            pages.append(_page(after=pages[-1].next_cursor))
        assert [row for page in pages for row in page.rows] == expected
        assert [(p.first_number, p.last_number, p.total) for p in pages] == [(1, 7, 17), (8, 14, 17), (15, 17, 17)]
        assert pages[0].previous_cursor is None and pages[-1].next_cursor is None
        back = _page(before=pages[2].previous_cursor)
        assert back.rows == pages[1].rows and back.start == 7
        first = _page(before=back.previous_cursor)
        assert first.rows == pages[0].rows and first.start == 0 and first.previous_cursor is None


def test_a_cursor_that_is_not_ours_gives_the_first_page(app, make_tenant, make_user):
    tenant = make_tenant("isp", login_identifier="contract")
    for n in range(9):
        make_user(tenant, f"k{n:02d}", full_name="Same")
    with app.app_context(), tenant_scope(tenant.id):
        first = _page().rows
        wrong_width = Cursor((5,), 3).encode()
        wrong_type = Cursor(("Same", "x"), 3).encode()  # PostgreSQL would refuse id > 'x'
        too_large = Cursor(("Same", 2**70), 3).encode()
        for cursor in ("", "!!", "e30", "a" * 1000, "ZZZZ", wrong_width, wrong_type, too_large, "Ww", "W10"):
            assert _page(after=cursor).rows == first, cursor
            assert _page(before=cursor).rows == first, cursor
        session.rollback()


def test_a_cursor_with_a_text_for_a_moment_gives_the_first_page(app, make_tenant, make_user):
    from core.ledger.models import Posting

    tenant = make_tenant("isp", login_identifier="contract")
    with app.app_context(), tenant_scope(tenant.id):
        keys = (Posting.occurred_at.desc(), Posting.id.desc())
        for cursor in (Cursor(("yesterday", 5), 3).encode(), Cursor((5, 5), 3).encode()):
            assert keyset_page(select(Posting), keys, size=5, after=cursor).rows == []


def test_a_long_cyrillic_key_makes_a_cursor_that_works():
    name = "Общество с ограниченной ответственностью «Управляющая компания»" * 5
    cursor = Cursor((name, 12), 49)
    assert Cursor.decode(cursor.encode(), 2) == cursor
