"""Running Alembic from the app (``abonent db upgrade``), and helpers for migrations.

Core's revisions live in ``core/migrations/versions`` (package data, so a wheel ships them); every
plugin's in its own branch, found through ``PluginInfo.migrations``. Deploy with ``upgrade heads``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine

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
