"""Citus-ready keys: every tenant-owned model (core's and every installed plugin's, present and future) keeps the
rule, the checker finds each way of breaking it, the keys bite in the database, and the plan names every table."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import ForeignKey, Integer, MetaData, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.db import TenantOwned, cross_tenant, session, tenant_ref, tenant_scope
from core.db.base import NAMING_CONVENTION, Base
from core.db.citus import citus_plan, key_violations, tenant_mappers, tenant_table_names
from core.testing.suites import TestCitusReadyKeys


class TestEveryModel(TestCitusReadyKeys):
    """The shipped suite (also run by every outside plugin's tests): core's and every installed plugin's models."""


def test_the_identity_stays_the_id_while_the_key_leads_with_tenant_id(app):
    for mapper in tenant_mappers():
        table = mapper.local_table
        assert next(iter(table.primary_key.columns)).name == "tenant_id", table.name
        assert "tenant_id" not in [c.name for c in mapper.primary_key], table.name


class _Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _Tenant(_Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)


class _Owner(TenantOwned, _Base):
    __tablename__ = "owners"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))


class _Pet(TenantOwned, _Base):
    __tablename__ = "pets"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))  # a plain foreign key: breaks the rule
    vet_id: Mapped[int | None] = tenant_ref("owners", nullable=True)
    owner: Mapped[_Owner] = relationship(foreign_keys=[owner_id])
    vet: Mapped[_Owner] = relationship(foreign_keys=[vet_id])


class _Visit(TenantOwned, _Base):
    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = tenant_ref("pets")
    pet: Mapped[_Pet] = relationship()  # joins on (tenant_id, pet_id): copies tenant_id


class _Platform(_Base):
    __tablename__ = "platform_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, ForeignKey("owners.id"))


def test_the_checker_names_every_way_of_breaking_the_rule():
    problems = key_violations(_Base)
    assert "owners: unique (code) lacks tenant_id" in problems
    assert any(p.startswith("pets.owner_id → owners: the foreign key lacks tenant_id") for p in problems)
    assert "_Visit.pet: copies tenant_id; name the reference column with foreign_keys=[…]" in problems
    assert any(
        p.startswith("platform_rows: a table without tenant_id refers to the tenant-owned owners") for p in problems
    )
    assert not any("vet_id →" in p for p in problems)  # the tenant_ref column keeps the rule
    assert len(problems) == 4, problems


def test_set_null_is_refused_for_a_reference_between_tenant_tables():
    with pytest.raises(ValueError, match="would null tenant_id"):
        tenant_ref("users", ondelete="SET NULL")


@pytest.fixture
def two_tenants(make_tenant, make_user):
    a, b = make_tenant("alpha"), make_tenant("beta")
    return a, b, make_user(a, "a@example.com"), make_user(b, "b@example.com")


def test_a_row_cannot_point_at_another_tenants_row(app, two_tenants):
    from core.identity.models import AuthSession

    a, b, _user_a, user_b = two_tenants
    with app.app_context(), cross_tenant():
        row = AuthSession(tenant_id=a.id, user_id=user_b.id, kind="web", token_hash="x" * 64, expires_at=_tomorrow())
        session.add(row)
        with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
            session.flush()
        session.rollback()
    with app.app_context(), tenant_scope(b.id):  # the same reference within the tenant is fine
        row = AuthSession(user_id=user_b.id, kind="web", token_hash="y" * 64, expires_at=_tomorrow())
        session.add(row)
        session.commit()
        assert session.get(AuthSession, row.id).user.login == "b@example.com"


def _tomorrow():
    from datetime import timedelta

    from core.db import utcnow

    return utcnow() + timedelta(days=1)


def test_new_rows_get_ids_from_the_database_on_every_insert_path(app, two_tenants):
    from core.audit.models import AuditEvent

    a, b, _user_a, _user_b = two_tenants
    with app.app_context():
        with tenant_scope(a.id):
            first = AuditEvent(action="x", object_type="keys", object_id="1")
            session.add(first)
            session.flush()
            table = AuditEvent.__table__
            columns = {"tenant_id": a.id, "action": "y", "object_type": "keys", "object_id": "2"}
            session.execute(table.insert(), [columns, {**columns, "object_id": "3"}])  # executemany, no id given
            session.execute(
                table.insert().from_select(
                    ["tenant_id", "action", "object_type", "object_id"],
                    select(table.c.tenant_id, table.c.action, table.c.object_type, table.c.object_id).where(
                        table.c.object_id == "3"
                    ),
                )
            )
            session.commit()
        with tenant_scope(b.id):
            other = AuditEvent(action="x", object_type="keys", object_id="1")
            session.add(other)
            session.commit()
        with cross_tenant():
            ids = session.scalars(select(AuditEvent.id).where(AuditEvent.object_type == "keys").order_by("id")).all()
        assert len(ids) == len(set(ids)) == 5  # one sequence for all tenants: ids never repeat
        assert ids[0] == first.id and ids[-1] == other.id
        session.expunge_all()
        with tenant_scope(a.id):
            assert session.get(AuditEvent, other.id) is None  # the identity is the id; the guard adds the tenant
            assert session.get(AuditEvent, first.id).action == "x"


def test_citus_plan_prints_a_call_for_every_table(app, monkeypatch):
    from core.cli.main import cli

    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(cli, ["db", "citus-plan"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    tenant_tables = tenant_table_names()
    for name in tenant_tables:
        assert any(line.startswith(f"SELECT create_distributed_table('{name}', 'tenant_id'") for line in lines), name
    for table in Base.metadata.tables.values():
        if table.name not in tenant_tables:
            assert f"SELECT create_reference_table('{table.name}');" in lines
    assert "SELECT create_distributed_table('users', 'tenant_id');" in lines
    assert lines == citus_plan()


def test_citus_plan_refuses_models_that_break_the_rule(app, monkeypatch):
    from core.cli.main import cli

    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setattr("core.db.citus.key_violations", lambda: ["pets.owner_id → owners: the foreign key lacks"])
    result = CliRunner().invoke(cli, ["db", "citus-plan"])
    assert result.exit_code == 1
    assert "not ready: pets.owner_id" in result.output
