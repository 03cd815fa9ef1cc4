"""The one mechanism that scopes every query to a tenant (layer 1 of tenant isolation).

* Every ORM statement that touches a :class:`~core.db.base.TenantOwned` model is filtered to the
  current tenant (``with_loader_criteria``), including relationship and ORM UPDATE/DELETE.
* New tenant-owned rows are stamped with the current tenant; writing another tenant's row raises.
* With no tenant set, touching a tenant-owned table raises :class:`TenantScopeError` (fail closed),
  unless the code opened an explicit :func:`cross_tenant` scope (CLI, platform admin, jobs).
* On PostgreSQL the same scope is passed to row-level security (layer 2) per transaction with
  ``set_config('app.tenant_id', …, true)``.

The scope lives in context variables, so it works the same in requests, CLI commands and jobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from threading import Lock
from typing import TypeVar

from sqlalchemy import Alias, Executable, Join, Select, TableClause, and_, event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.util import extract_first_column_annotation

from core.db.base import Base, TenantOwned

_tenant_id: ContextVar[int | None] = ContextVar("abonent_tenant_id", default=None)
_cross_tenant: ContextVar[bool] = ContextVar("abonent_cross_tenant", default=False)

PG_SCOPE_KEY = "abonent_pg_scope"


class TenantScopeError(RuntimeError):
    """A tenant-owned table was touched with no tenant set, or a row of another tenant was written."""


def current_tenant_id() -> int | None:
    """The tenant the current code runs for, or ``None``."""
    return _tenant_id.get()


def is_cross_tenant() -> bool:
    """True inside an explicit :func:`cross_tenant` scope."""
    return _cross_tenant.get()


@contextmanager
def tenant_scope(tenant_id: int) -> Iterator[int]:
    """Run the block for one tenant: queries are filtered to it and new rows stamped with it."""
    token_t = _tenant_id.set(tenant_id)
    token_c = _cross_tenant.set(False)
    try:
        yield tenant_id
    finally:
        _cross_tenant.reset(token_c)
        _tenant_id.reset(token_t)


@contextmanager
def cross_tenant() -> Iterator[None]:
    """Run the block across all tenants (CLI, platform admin, jobs). Say so explicitly: it is audited code."""
    token_t = _tenant_id.set(None)
    token_c = _cross_tenant.set(True)
    try:
        yield
    finally:
        _cross_tenant.reset(token_c)
        _tenant_id.reset(token_t)


def enter_tenant(tenant_id: int | None):
    """Set the tenant for the rest of a request; returns tokens for :func:`leave_tenant`."""
    return _tenant_id.set(tenant_id), _cross_tenant.set(False)


def leave_tenant(tokens) -> None:
    token_t, token_c = tokens
    _cross_tenant.reset(token_c)
    _tenant_id.reset(token_t)


_tenant_tables: tuple[int, frozenset[str]] = (-1, frozenset())


def _tenant_table_names() -> frozenset[str]:
    """Names of the tenant-owned tables (recomputed when models are added, e.g. by a plugin import)."""
    global _tenant_tables
    mappers = Base.registry.mappers
    if _tenant_tables[0] != len(mappers):
        _tenant_tables = (len(mappers), frozenset(m.local_table.name for m in mappers if _is_tenant(m)))
    return _tenant_tables[1]


def _is_tenant(mapper) -> bool:
    return issubclass(mapper.class_, TenantOwned) and "tenant_id" in mapper.local_table.c


def _is_tenant_from(element) -> bool:
    """Whether ``element`` (a FROM) is a tenant-owned table or an alias of one."""
    table = element.element if isinstance(element, Alias) else element
    return isinstance(table, TableClause) and table.name in _tenant_table_names()


def _bare_tenant_froms(state: ORMExecuteState) -> list:
    """Tenant tables a SELECT reads without naming their entity (``select(func.count()).select_from(M)``),
    at any depth: its own FROMs, their joins, and the subqueries, CTEs and scalar subqueries inside it.

    ``with_loader_criteria`` filters entities (and their eager joins, in the ON clause); a statement
    with no entity at all names its tables only as FROMs, which :func:`_scope_bare_tables` filters.
    """
    if not state.is_select or not hasattr(state.statement, "get_final_froms"):
        return []
    found = []
    for element in visitors.iterate(state.statement):
        if _is_tenant_from(element) and all(element is not seen for seen in found):
            found.append(element)
    return found


def _scope_bare_tables(statement, tenant_id: int):
    """``statement`` with every SELECT in it (itself, its subqueries, CTEs, scalar subqueries) filtered to
    ``tenant_id`` on the tenant tables of its own FROM list — at the level where each table is read, so a
    subquery's table is never pulled into the outer query (which would multiply and leak rows).

    A table on the right of a join is filtered in that join's ON clause (an outer join stays outer: the
    rows it adds with NULLs are kept); any other table in the SELECT's WHERE.
    """

    def collect(element, sink: list) -> None:
        if _is_tenant_from(element):
            sink.append(element.c.tenant_id == tenant_id)
        elif isinstance(element, Join):
            collect(element.left, sink)
            on: list = []
            collect(element.right, on)
            if on:
                element.onclause = and_(element.onclause, *on)

    def visit_select(select_) -> None:
        where: list = []
        for from_ in select_.get_final_froms():
            collect(from_, where)
        if where:
            select_._where_criteria += tuple(where)  # the clone made for this statement, as Select.where does

    return visitors.cloned_traverse(statement, {}, {"select": visit_select})


@lru_cache(maxsize=4096)
def _tenant_criteria(tenant_id: int):
    """The option filtering every tenant-owned entity of a statement to ``tenant_id`` (built once per tenant: making
    it analyses the lambda, a good part of a small query's cost; the tenant id goes in as a bound parameter)."""
    return with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)


class _BuiltOnce:
    """A statement marked with :func:`built_once`: what scoping it needs, learnt at its first run, and its
    tenant-scoped copy per tenant."""

    __slots__ = ("owned", "scoped", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement  # kept alive, so its id stays its own
        self.owned: tuple[str, ...] | None = None  # the tenant-owned entities it reads; None: not known yet
        self.scoped: dict[int, Executable] = {}


#: Statements built once (module constants with bound parameters), by ``id``.
_BUILT_ONCE: dict[int, _BuiltOnce] = {}
_BUILT_ONCE_LOCK = Lock()
S = TypeVar("S", bound=Executable)


def built_once(statement: S) -> S:
    r"""Mark ``statement`` as built once and executed many times (a module constant; values go in as
    ``bindparam``\ s given to ``session.execute``). Returns it.

    Each execution of an ORM statement on a tenant-owned entity gets the tenant filter added as an option, which
    makes a new statement whose SQL cache key SQLAlchemy must compute again; for a statement marked so, the scoped
    copy is made once per tenant and kept, so a hot query of every page skips building itself, its scoping and
    its cache key. Statements built per call (the usual way) need nothing.
    """
    with _BUILT_ONCE_LOCK:
        _BUILT_ONCE.setdefault(id(statement), _BuiltOnce(statement))
    return statement


def _top_mappers(state: ORMExecuteState) -> list:
    """``state.all_mappers``, read off a SELECT's columns' annotations (``all_mappers`` builds the statement's full
    column descriptions first, a good part of a small query's cost)."""
    statement = state.statement
    if not isinstance(statement, Select):
        return list(state.all_mappers)
    found: list = []
    for column in statement._raw_columns:
        entity = column._annotations.get("parententity") or extract_first_column_annotation(column, "parententity")
        if entity is not None and entity.mapper not in found:
            found.append(entity.mapper)
    return found


def _owned_entities(state: ORMExecuteState) -> tuple[tuple[str, ...], list]:
    """The tenant-owned entities ``state``'s statement reads, and its tenant tables read bare (no entity)."""
    mappers = _top_mappers(state)
    bare = [] if mappers else _bare_tenant_froms(state)
    owned = tuple(sorted(m.class_.__name__ for m in mappers if issubclass(m.class_, TenantOwned)))
    return owned, bare


def _scope_statement(state: ORMExecuteState) -> None:
    _sync_postgres_scope(state.session)
    if _cross_tenant.get():
        return
    if not (state.is_select or state.is_update or state.is_delete or state.is_insert):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # criteria added to the parent statement propagate to these loads
    statement = state.statement
    once = _BUILT_ONCE.get(id(statement))
    if once is not None and once.statement is not statement:
        once = None
    if once is not None and once.owned is not None:
        owned, bare = once.owned, []
    else:
        owned, bare = _owned_entities(state)
        if once is not None and not bare:
            once.owned = owned
    if not bare and not owned:
        return
    tenant_id = _tenant_id.get()
    if tenant_id is None:
        names = [*owned, *sorted(f.name for f in bare)]
        raise TenantScopeError(f"query on tenant-owned {', '.join(names)} with no tenant set")
    if state.is_insert:
        return  # bulk inserts carry tenant_id explicitly; RLS checks it on PostgreSQL
    if bare:
        state.statement = _scope_bare_tables(statement, tenant_id).options(_tenant_criteria(tenant_id))
    elif once is None:
        state.statement = statement.options(_tenant_criteria(tenant_id))
    else:
        scoped = once.scoped.get(tenant_id)
        if scoped is None:
            with _BUILT_ONCE_LOCK:
                scoped = once.scoped.setdefault(tenant_id, statement.options(_tenant_criteria(tenant_id)))
        state.statement = scoped


def _stamp_on_add(_session: Session, obj) -> None:
    """Stamp the tenant when a row is added, so it belongs to the scope it was created in."""
    if isinstance(obj, TenantOwned) and obj.tenant_id is None:
        obj.tenant_id = _tenant_id.get()


def _check_before_flush(session: Session, _flush_context, _instances) -> None:
    tenant_id = _tenant_id.get()
    cross = _cross_tenant.get()
    for obj in session.new:
        if not isinstance(obj, TenantOwned):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantScopeError(f"new {type(obj).__name__} with no tenant set")
            obj.tenant_id = tenant_id
        elif not cross and tenant_id is not None and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"new {type(obj).__name__} for another tenant")
    for obj in session.dirty:
        if isinstance(obj, TenantOwned) and not cross and tenant_id is not None and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"{type(obj).__name__} of another tenant changed")
    _sync_postgres_scope(session, _flush_scope(session))


def _flush_scope(session: Session) -> tuple[str, str] | None:
    """The scope row-level security must see for this flush.

    Rows stamped inside ``tenant_scope`` are often flushed by a commit after the block ended; they
    are flushed under their own tenant (one tenant only: rows of several need an explicit scope).
    """
    if _cross_tenant.get() or _tenant_id.get() is not None:
        return None
    pending = {
        obj.tenant_id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, TenantOwned) and obj.tenant_id is not None
    }
    if len(pending) > 1:
        raise TenantScopeError("rows of several tenants flushed with no tenant set; use cross_tenant()")
    return (str(pending.pop()), "off") if pending else None


def _scope_value() -> tuple[str, str]:
    tenant_id = _tenant_id.get()
    return ("" if tenant_id is None else str(tenant_id), "on" if _cross_tenant.get() else "off")


_SET_SCOPE = "SELECT set_config('app.tenant_id', %(t)s, true), set_config('app.cross_tenant', %(c)s, true)"


def _apply_postgres_scope(connection, scope: tuple[str, str]) -> None:
    # Sent as the driver's own SQL (psycopg's placeholders): once per transaction, nothing to compile.
    connection.exec_driver_sql(_SET_SCOPE, {"t": scope[0], "c": scope[1]})
    connection.info[PG_SCOPE_KEY] = scope


#: No tenant, not cross-tenant: what a transaction sees before anything is set (the settings are only ever set
#: per transaction, so each one starts unset, and the policies read unset as "no tenant").
_UNSCOPED = ("", "off")


def _on_begin(_session: Session, _transaction, connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    scope = _scope_value()
    if scope == _UNSCOPED:  # a request begins before its tenant is known: set the scope once, when it is
        connection.info[PG_SCOPE_KEY] = scope
    else:
        _apply_postgres_scope(connection, scope)


def _sync_postgres_scope(session: Session, scope: tuple[str, str] | None = None) -> None:
    """Re-send the scope when it changed inside an open transaction (e.g. a CLI loop over tenants)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or (scope is None and not session.in_transaction()):
        return
    connection = session.connection()  # begins the transaction if needed (after_begin sends the scope)
    scope = scope or _scope_value()
    if connection.info.get(PG_SCOPE_KEY) != scope:
        _apply_postgres_scope(connection, scope)


def install_guard(factory: sessionmaker) -> None:
    """Install the tenant guard on every session the factory makes."""
    event.listen(factory, "do_orm_execute", _scope_statement)
    event.listen(factory, "transient_to_pending", _stamp_on_add)
    event.listen(factory, "before_flush", _check_before_flush)
    event.listen(factory, "after_begin", _on_begin)
