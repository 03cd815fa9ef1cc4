"""A throwaway, migrated database for one benchmark run: SQLite in a temp folder, or PostgreSQL.

On PostgreSQL the benchmarks run like production: the tables are created by the owner and the app
connects as the non-owner role ``abonent_app``, so row-level security is in force.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
APP_ROLE = "abonent_app"


class Unavailable(RuntimeError):
    """The database server cannot be reached; the benchmarks on it are skipped."""


@dataclass
class BenchDatabase:
    """The app (connected as the app role) and an owner engine for seeding and resets."""

    name: str  # "sqlite" or "postgres"
    app: Flask
    owner: Engine
    tenant_id: int

    @property
    def engine(self) -> Engine:
        return self.app.extensions["abonent.db"].engine

    def version(self) -> str:
        with self.owner.connect() as conn:
            if self.name == "sqlite":
                return "SQLite " + conn.execute(text("select sqlite_version()")).scalar_one()
            return "PostgreSQL " + conn.execute(text("show server_version")).scalar_one().split()[0]


def _app(url: str, instance: str) -> Flask:
    from core.app import create_app

    config = {"DATABASE_URL": url, "INSTANCE_DIR": instance, "SECRET_KEY": "bench-" + "x" * 40, "SMTP_URL": ""}
    return create_app(config)


def _migrate(owner_url: str, instance: str) -> None:
    from core.migrate import grant_app_role, upgrade

    app = _app(owner_url, instance)
    with app.app_context():
        upgrade(app)
        grant_app_role(app, APP_ROLE)
    app.extensions["abonent.db"].dispose()


def _make_tenant(app: Flask) -> int:
    from core.db import cross_tenant, session
    from core.tenants.models import Tenant

    with app.app_context(), cross_tenant():
        tenant = Tenant(slug="bench", name="Bench", login_identifier="contract")
        session.add(tenant)
        session.commit()
        return tenant.id


def _create_postgres(server_url: str) -> tuple[str, str, str]:
    url = make_url(server_url)
    from core.migrate import create_login_role

    name = f"abonent_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            create_login_role(conn, APP_ROLE)
    except Exception as error:
        raise Unavailable(f"PostgreSQL at {url.render_as_string()} is unreachable: {error}") from error
    finally:
        admin.dispose()
    owner_url = url.set(database=name)
    app_url = owner_url.set(username=APP_ROLE, password=None)
    return owner_url.render_as_string(hide_password=False), app_url.render_as_string(hide_password=False), name


def _drop_postgres(server_url: str, name: str) -> None:
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def bench_database(kind: str, server_url: str = POSTGRES_SERVER) -> Iterator[BenchDatabase]:
    """A fresh migrated database with one tenant; dropped (or deleted) afterwards."""
    instance = tempfile.mkdtemp(prefix="abonent-bench-")
    pg_name = ""
    try:
        if kind == "postgres":
            owner_url, app_url, pg_name = _create_postgres(server_url)
        else:
            owner_url = app_url = f"sqlite:///{instance}/bench.db"
        _migrate(owner_url, instance)
        app = _app(app_url, instance)
        owner = create_engine(owner_url)
        try:
            yield BenchDatabase(kind, app, owner, _make_tenant(app))
        finally:
            app.extensions["abonent.db"].dispose()
            owner.dispose()
    finally:
        if pg_name:
            _drop_postgres(server_url, pg_name)
        shutil.rmtree(instance, ignore_errors=True)
