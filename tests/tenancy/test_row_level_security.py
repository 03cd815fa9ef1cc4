"""Layer 2 of isolation on PostgreSQL: row-level security blocks raw SQL reads of another tenant's rows."""

import pytest
from sqlalchemy import create_engine, text

from core.db.base import Base, TenantOwned


@pytest.fixture
def postgres(abonent_database):
    if abonent_database.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's (run with ABONENT_TEST_DATABASE_URL)")
    return abonent_database


def _scoped(conn, tenant_id):
    conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id) if tenant_id else ""})


def test_raw_sql_sees_only_the_scoped_tenant(postgres, app, make_tenant, make_user):
    a, b = make_tenant("alpha"), make_tenant("beta")
    make_user(a, "a@example.com")
    make_user(b, "b@example.com")
    engine = create_engine(postgres.app_url)
    with engine.begin() as conn:
        _scoped(conn, a.id)
        assert conn.execute(text("SELECT login FROM users")).scalars().all() == ["a@example.com"]
        assert conn.execute(text("SELECT count(*) FROM users WHERE tenant_id = :b"), {"b": b.id}).scalar() == 0
    with engine.begin() as conn:
        _scoped(conn, None)
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0  # no tenant: nothing at all
    with engine.connect() as conn:
        _scoped(conn, a.id)
        with pytest.raises(Exception, match="row-level security"):
            conn.execute(
                text(
                    "INSERT INTO audit_events (tenant_id, at, actor, action, object_type, object_id, ip) "
                    "VALUES (:b, now(), 'x', 'x', '', '', '')"
                ),
                {"b": b.id},
            )
    engine.dispose()


def test_the_application_role_is_not_the_tables_owner(postgres):
    engine = create_engine(postgres.app_url)
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'users'")).scalar()
        me = conn.execute(text("SELECT current_user")).scalar()
    engine.dispose()
    assert owner != me


def test_every_tenant_owned_table_has_row_level_security(postgres):
    tenant_tables = {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, TenantOwned)}
    engine = create_engine(postgres.owner_url)
    with engine.connect() as conn:
        protected = set(conn.execute(text("SELECT relname FROM pg_class WHERE relrowsecurity")).scalars())
    engine.dispose()
    assert tenant_tables - protected == set(), "call enable_row_level_security(op, table) in the migration"
