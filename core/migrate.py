"""Running Alembic from the app (``abonent db upgrade``), and helpers for migrations.

Core's revisions live in ``core/migrations/versions`` (package data, so a wheel ships them); every
plugin's in its own branch, found through ``PluginInfo.migrations``. Deploy with ``upgrade heads``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import ForeignKeyConstraint, inspect, text
from sqlalchemy.engine import Engine

from core.db.base import Base
from core.db.tenant_keys import TENANT_COLUMN, sqlite_key_name

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

RLS_PREDICATE = (
    "current_setting('app.cross_tenant', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer"
)


def alembic_config(app: Flask) -> Config:
    """An Alembic config for this app's database, with core's and every plugin's version folders."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [str(MIGRATIONS_DIR / "versions")]
    locations += [str(info.migrations) for info in app.plugins.infos.values() if info.migrations]
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    config.attributes["engine"] = app.extensions["abonent.db"].engine
    return config


def upgrade(app: Flask, revision: str = "heads") -> list[str]:
    """Bring the database to ``revision`` (all heads: core and every installed plugin).

    Returns the revisions applied, in order, each as ``"<id> <message>"`` (empty when it was up to date).
    """
    config = alembic_config(app)
    command.upgrade(config, revision)
    return list(config.attributes.get("applied", []))


def create_login_role(connection, role: str) -> None:
    """Create the PostgreSQL login role ``role`` unless it exists (an autocommit connection of a superuser).

    Safe when several processes do it at once (test workers, benchmarks): the loser of the race finds it made.
    """
    if not role.isidentifier():
        raise ValueError(f"bad role name {role!r}")
    connection.execute(
        text(
            f"DO $$ BEGIN CREATE ROLE {role} LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    )


def grant_app_role(app: Flask, role: str) -> None:
    """Let the (non-owner) application role read and write every table, so row-level security binds it."""
    grant_role(app.extensions["abonent.db"].engine, role)


def grant_role(engine: Engine, role: str) -> None:
    """:func:`grant_app_role` through the owner's ``engine`` (after a migration run outside the app)."""
    if engine.dialect.name != "postgresql":
        return
    quoted = engine.dialect.identifier_preparer.quote(role)
    with engine.begin() as conn:
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
        conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
        # The ledger is append-only for the application, whatever its code does.
        conn.execute(text(f"REVOKE UPDATE, DELETE ON postings, ledger_transactions FROM {quoted}"))


def enable_row_level_security(op, table: str) -> None:
    """In a migration: isolate ``table`` (which has ``tenant_id``) by tenant on PostgreSQL. No-op elsewhere.

    Call it in every migration that creates a tenant-owned table; a test checks none is missed.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_isolation ON {table} USING ({RLS_PREDICATE}) WITH CHECK ({RLS_PREDICATE})")


def disable_row_level_security(op, table: str) -> None:
    """The downgrade of :func:`enable_row_level_security`."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's ``include_object`` for comparing the database with the models (autogenerate, the tests).

    Leaves out the ``UNIQUE (tenant_id, id)`` SQLite keeps beside ``PRIMARY KEY (id)`` (the SQLite form of the
    models' ``(tenant_id, id)`` key, see :mod:`core.db.tenant_keys`), which the models do not spell out.
    """
    if type_ == "unique_constraint" and reflected and compare_to is None:
        table = Base.metadata.tables.get(getattr(getattr(obj, "table", None), "name", ""))
        if table is not None and name is not None and name == sqlite_key_name(table):
            return False
    return True


@dataclass
class _ForeignKey:
    name: str
    table: str
    column: str
    target: str
    ondelete: str | None


def upgrade_tenant_keys(op, tables: Iterable[str]) -> None:
    """In a migration: make the keys of the existing tenant-owned ``tables`` include ``tenant_id`` (Citus-ready).

    See :mod:`core.db.tenant_keys`; call it once per table, from the branch that owns the table. Each table's
    primary key becomes ``(tenant_id, <its key>)``, and every foreign key pointing at one of them by ``id`` —
    from any table, core's or a plugin's — becomes ``(tenant_id, <column>) → table (tenant_id, id)`` under the
    same name. ``ON DELETE SET NULL`` becomes no action (it would null ``tenant_id``). PostgreSQL:
    the foreign keys are dropped, the keys replaced, the foreign keys added back (row-level security is not
    touched). SQLite: each table concerned is copied once (batch mode) and comes out as the models compile.
    The downgrade is :func:`downgrade_tenant_keys`.
    """
    _convert_tenant_keys(op, list(tables), upgrade=True)


def downgrade_tenant_keys(op, tables: Iterable[str]) -> None:
    """The downgrade of :func:`upgrade_tenant_keys`: keys without ``tenant_id`` and single-column foreign keys."""
    _convert_tenant_keys(op, list(tables), upgrade=False)


def tenant_foreign_key(op, column: str, target: str, *, name: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    """In an old revision's ``op.create_table``: a foreign key to another branch's tenant table, as its key is now.

    For revisions written before the keys were Citus-ready: the key from ``column`` to the tenant-owned table
    ``target`` (core's, for a plugin) is composite, ``(tenant_id, column) → target (tenant_id, id)``, once
    ``target`` went through :func:`upgrade_tenant_keys` — on a new database core's branch runs before the
    plugins' (their keys revisions depend on it); by ``id`` alone before that, as the revision was first
    written. Then the later keys revisions leave the same composite key whichever order the branches ran in.
    New revisions do not need it: autogenerate writes the composite key of a ``tenant_ref`` column.
    """
    if _has_tenant_key(inspect(op.get_bind()), target):
        if ondelete and ondelete.upper() in ("SET NULL", "SET DEFAULT"):
            ondelete = None  # it would null tenant_id (upgrade_tenant_keys drops it the same way)
        return ForeignKeyConstraint(
            [TENANT_COLUMN, column], [f"{target}.{TENANT_COLUMN}", f"{target}.id"], name=name, ondelete=ondelete
        )
    return ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def _has_tenant_key(inspector, table: str) -> bool:
    """Whether ``table`` is keyed by ``(tenant_id, id)`` (SQLite: its ``UNIQUE (tenant_id, id)``)."""
    if TENANT_COLUMN in inspector.get_pk_constraint(table)["constrained_columns"]:
        return True
    key = sorted([TENANT_COLUMN, "id"])
    return any(sorted(u["column_names"]) == key for u in inspector.get_unique_constraints(table))


def _convert_tenant_keys(op, tables: list[str], *, upgrade: bool) -> None:
    bind = op.get_bind()
    inspector = inspect(bind)
    keys = {table: inspector.get_pk_constraint(table) for table in tables}
    references = _references(inspector, set(tables), upgrade=upgrade)
    new_keys = {
        table: [TENANT_COLUMN, *(c for c in key["constrained_columns"] if c != TENANT_COLUMN)]
        if upgrade
        else [c for c in key["constrained_columns"] if c != TENANT_COLUMN]
        for table, key in keys.items()
    }
    if bind.dialect.name == "sqlite":
        for table in sorted(set(tables) | {fk.table for fk in references}):
            with op.batch_alter_table(table, recreate="always") as batch:
                if table in keys:
                    if not upgrade:
                        _drop_sqlite_key(inspector, batch, table)
                    batch.drop_constraint(keys[table]["name"], type_="primary")  # clears the columns' key flags
                    batch.create_primary_key(keys[table]["name"], new_keys[table])
                for fk in (fk for fk in references if fk.table == table):
                    batch.drop_constraint(fk.name, type_="foreignkey")
                    batch.create_foreign_key(fk.name, fk.target, *_fk_columns(fk, upgrade), ondelete=fk.ondelete)
        return
    for fk in references:
        op.drop_constraint(fk.name, fk.table, type_="foreignkey")
    for table, key in keys.items():
        op.drop_constraint(key["name"], table, type_="primary")
        op.create_primary_key(key["name"], table, new_keys[table])
    for fk in references:
        op.create_foreign_key(fk.name, fk.table, fk.target, *_fk_columns(fk, upgrade), ondelete=fk.ondelete)


def _references(inspector, targets: set[str], *, upgrade: bool) -> list[_ForeignKey]:
    """Foreign keys pointing at ``targets`` by ``id`` (to upgrade) or by ``(tenant_id, id)`` (to downgrade)."""
    found = []
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] not in targets:
                continue
            columns = [c for c in fk["constrained_columns"] if c != TENANT_COLUMN]
            expected = ["id"] if upgrade else [TENANT_COLUMN, "id"]
            if sorted(fk["referred_columns"]) != sorted(expected) or len(columns) != 1:
                continue
            if TENANT_COLUMN not in {c["name"] for c in inspector.get_columns(table)}:
                raise RuntimeError(
                    f"{table}.{columns[0]} points at tenant-owned {fk['referred_table']} without tenant_id"
                )
            ondelete = (fk.get("options") or {}).get("ondelete")
            if ondelete and ondelete.upper() in ("SET NULL", "SET DEFAULT"):
                ondelete = None
            found.append(_ForeignKey(fk["name"], table, columns[0], fk["referred_table"], ondelete))
    return found


def _fk_columns(fk: _ForeignKey, upgrade: bool) -> tuple[list[str], list[str]]:
    """The local and the referred columns of ``fk`` after the conversion."""
    if upgrade:
        return [TENANT_COLUMN, fk.column], [TENANT_COLUMN, "id"]
    return [fk.column], ["id"]


def _drop_sqlite_key(inspector, batch, table: str) -> None:
    for unique in inspector.get_unique_constraints(table):
        if sorted(unique["column_names"]) == sorted([TENANT_COLUMN, "id"]) and unique.get("name"):
            batch.drop_constraint(unique["name"], type_="unique")
