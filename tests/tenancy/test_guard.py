"""Layer 1 of isolation: the ORM guard filters, stamps and fails closed."""

import pytest
from sqlalchemy import bindparam, func, select, update

from core.db import TenantScopeError, cross_tenant, session, tenant_scope
from core.db.tenancy import built_once
from core.identity.models import User
from core.tenants.models import Tenant


@pytest.fixture
def two_tenants(make_tenant, make_user):
    a, b = make_tenant("alpha"), make_tenant("beta")
    make_user(a, "same@example.com", full_name="Alpha user")
    make_user(b, "same@example.com", full_name="Beta user")
    return a, b


def test_query_without_tenant_raises(app, two_tenants):
    with app.app_context(), pytest.raises(TenantScopeError, match="User"):
        session.scalars(select(User)).all()


def test_queries_see_only_the_current_tenant(app, two_tenants):
    a, b = two_tenants
    with app.app_context():
        with tenant_scope(a.id):
            assert [u.full_name for u in session.scalars(select(User))] == ["Alpha user"]
        with tenant_scope(b.id):
            assert [u.full_name for u in session.scalars(select(User))] == ["Beta user"]
        with cross_tenant():
            assert len(session.scalars(select(User)).all()) == 2


BY_LOGIN = built_once(select(User).where(User.login == bindparam("login")))


def test_a_statement_built_once_is_filtered_to_each_tenant_in_turn(app, two_tenants):
    a, b = two_tenants
    with app.app_context():
        for _ in range(2):  # the second round uses the scoped copies kept from the first
            for tenant, name in ((a, "Alpha user"), (b, "Beta user")):
                with tenant_scope(tenant.id):
                    found = session.scalars(BY_LOGIN, {"login": "same@example.com"}).all()
                    assert [user.full_name for user in found] == [name]
                session.expunge_all()
        with cross_tenant():
            assert len(session.scalars(BY_LOGIN, {"login": "same@example.com"}).all()) == 2
        with pytest.raises(TenantScopeError, match="User"):
            session.scalars(BY_LOGIN, {"login": "same@example.com"}).all()


def test_counts_over_a_tenant_table_see_only_the_current_tenant(app, two_tenants):
    a, _b = two_tenants
    with app.app_context():
        with tenant_scope(a.id):
            assert session.scalar(select(func.count()).select_from(User)) == 1
            assert session.scalar(select(func.count(User.id))) == 1
            assert session.query(User).count() == 1
        with pytest.raises(TenantScopeError, match="users"):
            session.scalar(select(func.count()).select_from(User))


def test_get_by_primary_key_of_another_tenant_finds_nothing(app, two_tenants):
    a, b = two_tenants
    with app.app_context():
        with tenant_scope(b.id):
            beta_id = session.scalar(select(User.id))
        session.expunge_all()
        with tenant_scope(a.id):
            assert session.get(User, beta_id) is None


def test_bulk_update_touches_only_the_current_tenant(app, two_tenants):
    a, _b = two_tenants
    with app.app_context():
        with tenant_scope(a.id):
            session.execute(update(User).values(phone="+7 900 000-00-00"))
            session.commit()
        with cross_tenant():
            phones = {u.full_name: u.phone for u in session.scalars(select(User))}
    assert phones == {"Alpha user": "+7 900 000-00-00", "Beta user": ""}


def test_new_rows_are_stamped_and_cannot_be_written_for_another_tenant(app, two_tenants):
    a, b = two_tenants
    with app.app_context(), tenant_scope(a.id):
        user = User(login="new@example.com", password_hash="x")
        session.add(user)
        session.flush()
        assert user.tenant_id == a.id
        session.add(User(login="intruder@example.com", password_hash="x", tenant_id=b.id))
        with pytest.raises(TenantScopeError, match="another tenant"):
            session.flush()
        session.rollback()


def test_new_row_without_tenant_raises(app, two_tenants):
    with app.app_context():
        session.add(User(login="orphan@example.com", password_hash="x"))
        with pytest.raises(TenantScopeError, match="no tenant"):
            session.flush()
        session.rollback()


def test_same_login_lives_independently_in_two_tenants(app, make_tenant, make_user, client):
    from core.testing.fixtures import tenant_path

    a, b = make_tenant("alpha"), make_tenant("beta")
    make_user(a, "same@example.com", password="Alpha-pass-1")
    make_user(b, "same@example.com", password="Beta-pass-1")
    ok_a = client.submit(tenant_path(a, "/login"), {"login": "same@example.com", "password": "Alpha-pass-1"})
    wrong_b = client.submit(tenant_path(b, "/login"), {"login": "same@example.com", "password": "Alpha-pass-1"})
    ok_b = client.submit(tenant_path(b, "/login"), {"login": "same@example.com", "password": "Beta-pass-1"})
    assert (ok_a.status_code, wrong_b.status_code, ok_b.status_code) == (302, 401, 302)


def test_rows_made_in_a_scope_can_be_committed_after_it(app, two_tenants):
    """Row-level security on PostgreSQL sees the rows' own tenant when the commit comes after the block."""
    a, _b = two_tenants
    with app.app_context():
        with tenant_scope(a.id):
            session.add(User(login="late@example.com", password_hash="x"))
        session.commit()
        with tenant_scope(a.id):
            assert session.scalar(select(User.login).where(User.login == "late@example.com"))


def test_rows_of_two_tenants_need_an_explicit_cross_tenant_scope(app, two_tenants):
    a, b = two_tenants
    with app.app_context():
        with tenant_scope(a.id):
            session.add(User(login="one@example.com", password_hash="x"))
        with tenant_scope(b.id):
            session.add(User(login="two@example.com", password_hash="x"))
        with pytest.raises(TenantScopeError, match="several tenants"):
            session.commit()
        session.rollback()


@pytest.fixture
def uneven(make_tenant, make_user):
    """Three users at alpha, two at beta: a leak or a multiplied row changes every count below."""
    a, b = make_tenant("alpha"), make_tenant("beta")
    for n in range(3):
        make_user(a, f"a{n}@example.com", full_name=f"A{n}")
    for n in range(2):
        make_user(b, f"b{n}@example.com", full_name=f"B{n}")
    return a, b


def test_a_subquery_of_a_bare_table_is_filtered_where_it_reads(app, uneven):
    a, _b = uneven
    users = User.__table__
    with app.app_context(), tenant_scope(a.id):
        names = select(users.c.id, users.c.full_name).subquery()
        assert sorted(session.scalars(select(names.c.full_name))) == ["A0", "A1", "A2"]  # not beta's, not thrice
        assert session.scalar(select(func.count()).select_from(names)) == 3
        assert session.scalar(select(func.count()).select_from(select(User.id).subquery())) == 3
        assert session.scalar(select(func.count()).select_from(select(users.c.id).cte("ids"))) == 3
        per_row = select(func.count()).select_from(users).scalar_subquery()
        assert session.execute(select(names.c.full_name, per_row)).all()[0][1] == 3


def test_an_outer_join_to_a_tenant_table_stays_outer(app, uneven):
    a, _b = uneven
    users, tenants = User.__table__, Tenant.__table__
    with app.app_context(), tenant_scope(a.id):
        joined = tenants.outerjoin(users, users.c.tenant_id == tenants.c.id)
        rows = session.execute(select(tenants.c.slug, users.c.full_name).select_from(joined)).all()
    # Beta's users are not shown, but beta itself (not a tenant-owned row) still appears once, with no user.
    assert sorted(rows, key=lambda row: (row[0], row[1] or "")) == [
        ("alpha", "A0"),
        ("alpha", "A1"),
        ("alpha", "A2"),
        ("beta", None),
    ]
