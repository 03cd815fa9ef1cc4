"""Engine and session per Flask app, stored on the app (never a module global).

``session`` is a proxy to the session of the current app context; it is closed when the app
context ends. Code outside Flask (benchmarks, scripts) uses :class:`Database` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.local import LocalProxy

from core.db import tenancy
from core.db.config_version import install_version_watch
from core.db.memo import install_memo

# On SQLite a transaction that reads first and writes later fails at once when another connection
# wrote in between (a stale WAL snapshot cannot be upgraded). Transactions that may write therefore
# start with BEGIN IMMEDIATE (they queue for the write lock); only plain page views read lazily.
_read_only: ContextVar[bool] = ContextVar("abonent_sqlite_read_only", default=False)
V = TypeVar("V", bound=Callable[..., Any])


@contextmanager
def read_only_transactions() -> Iterator[None]:
    """Within the block, SQLite transactions begin DEFERRED (GET requests: many readers at once)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def writes_on_get(view: V) -> V:
    """Mark a view that writes to the database on GET (it issues a login challenge, starts a draft …).

    GET requests are read-only-hinted: on SQLite their transactions begin DEFERRED so that many readers share the
    file, and such a transaction that reads first and writes later fails at once ("database is locked") when
    another connection wrote in between. The transactions of a view marked so begin IMMEDIATE, as a POST's do:
    a concurrent writer makes it wait instead of failing. Put it under the guard::

        @web.route("/login")
        @public
        @writes_on_get
        def login(): ...

    No effect on PostgreSQL.
    """
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def view_writes_on_get(view: Callable[..., Any] | None) -> bool:
    """Whether ``view`` was marked with :func:`writes_on_get`."""
    return bool(getattr(view, "writes_on_get", False))


def reads_before_writing(view: V) -> V:
    """Mark a view that changes data only after reading first (a login: the throttle and the user, then a slow
    password check, then the writes).

    A POST's transactions begin IMMEDIATE on SQLite, holding the database's one write lock from their first
    statement. The transactions of a view marked so begin DEFERRED (as a GET's) until its code calls
    :func:`begin_writing`, so every other worker may write while it reads. Code after ``begin_writing``
    must not read before its first write in the same transaction (the transaction it then starts is
    IMMEDIATE, so this holds by itself). Put it under the guard. No effect on PostgreSQL.
    """
    view.reads_before_writing = True  # type: ignore[attr-defined]
    return view


def view_reads_before_writing(view: Callable[..., Any] | None) -> bool:
    """Whether ``view`` was marked with :func:`reads_before_writing`."""
    return bool(getattr(view, "reads_before_writing", False))


def begin_writing() -> None:
    """From here on, this request's SQLite transactions begin IMMEDIATE (see :func:`reads_before_writing`).

    Call it with no transaction open; the request's end restores the hint it started with.
    """
    _read_only.set(False)


def mark_read_only(value: bool):
    """Set the read-only hint for the rest of the current request; returns a token for :func:`reset_read_only`."""
    return _read_only.set(value)


def reset_read_only(token) -> None:
    _read_only.reset(token)


class Database:
    """One engine and session factory, with the tenant guard installed on every session."""

    def __init__(self, url: str, pooler: str = "", **engine_options: Any) -> None:
        self.url = url
        if pooler == "pgbouncer":
            # PgBouncer in transaction pooling hands each transaction to any server connection: no server-side
            # prepared statements (psycopg would prepare a statement on its fifth use). The tenant scope is
            # set per transaction (``set_config(…, true)``), so row-level security holds there.
            engine_options.setdefault("connect_args", {})["prepare_threshold"] = None
        elif pooler:
            raise ValueError(f"unknown ABONENT_DATABASE_POOLER {pooler!r} (known: pgbouncer)")
        self.engine: Engine = make_engine(url, **engine_options)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        tenancy.install_guard(self.sessionmaker)
        install_version_watch(self.sessionmaker)
        install_memo(self.sessionmaker)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def new_session(self) -> Session:
        """A fresh session with the tenant guard; the caller closes it."""
        return self.sessionmaker()

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so several workers share it."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            # Let SQLAlchemy (not pysqlite) emit BEGIN, so BEGIN IMMEDIATE works for row locks.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")

        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def get_session() -> Session:
    """The session bound to the current app context, created on first use."""
    store = g._get_current_object()  # one lookup of the context: ``g.x`` through the proxy costs ten times more
    db_session = getattr(store, "db_session", None)
    if db_session is None:
        db_session = store.db_session = current_app.extensions["abonent.db"].new_session()
    return db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the app context's session (registered as an app-context teardown)."""
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


session: Session = LocalProxy(get_session)  # type: ignore[assignment]
