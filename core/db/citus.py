"""The Citus rule, checked on the metadata, and the distribution plan printed by ``abonent db citus-plan``.

Tenant-owned tables (models inheriting :class:`~core.db.base.TenantOwned`) are distributed by ``tenant_id``
and colocated; every other table is a reference table. :func:`key_violations` lists whatever would stop
that (a test keeps the list empty for core and every installed plugin); :func:`citus_plan` writes the calls.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy.orm import Mapper

from core.db.base import Base, TenantOwned
from core.db.tenant_keys import TENANT_COLUMN

_SET_ACTIONS = ("SET NULL", "SET DEFAULT")
#: The table every distributed table is colocated with (core's, so it exists whatever plugins are installed).
ANCHOR = "users"


def tenant_mappers(base: type = Base) -> list[Mapper]:
    """Mappers of every tenant-owned model of ``base`` (core's and every imported plugin's)."""
    return sorted(
        (mapper for mapper in base.registry.mappers if issubclass(mapper.class_, TenantOwned)),
        key=lambda mapper: mapper.local_table.name,
    )


def tenant_table_names(base: type = Base) -> set[str]:
    """Names of the tenant-owned (distributed) tables."""
    return {mapper.local_table.name for mapper in tenant_mappers(base)}


def key_violations(base: type = Base) -> list[str]:
    """Every way the models of ``base`` break the Citus rule, one line each (empty: ready to distribute).

    For each tenant-owned table: the primary key includes ``tenant_id`` and the ORM identity does not;
    every unique constraint and unique index includes ``tenant_id``; every foreign key to another tenant-owned
    table is composite, pairing ``tenant_id`` with the target's ``tenant_id``, without ``SET NULL``; every
    relationship between tenant-owned models copies its reference column only (``foreign_keys=``), never
    ``tenant_id``. No other table has a foreign key to a tenant-owned table (a reference table cannot).
    """
    tenant_tables = tenant_table_names(base)
    problems: list[str] = []
    for mapper in tenant_mappers(base):
        problems += _table_problems(mapper.local_table, tenant_tables)
        problems += _mapper_problems(mapper, tenant_tables)
    for table in base.metadata.sorted_tables:
        if table.name in tenant_tables:
            continue
        for constraint in _foreign_keys(table):
            if constraint.referred_table.name in tenant_tables:
                problems.append(
                    f"{table.name}: a table without tenant_id refers to the tenant-owned "
                    f"{constraint.referred_table.name} (a reference table cannot)"
                )
    return problems


def _foreign_keys(table: Table) -> Iterable[ForeignKeyConstraint]:
    return (c for c in table.constraints if isinstance(c, ForeignKeyConstraint))


def _table_problems(table: Table, tenant_tables: set[str]) -> list[str]:
    name = table.name
    problems = []
    if TENANT_COLUMN not in table.primary_key.columns:
        problems.append(f"{name}: primary key {_names(table.primary_key.columns)} lacks tenant_id")
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and TENANT_COLUMN not in constraint.columns:
            problems.append(f"{name}: unique {_names(constraint.columns)} lacks tenant_id")
    for index in table.indexes:
        if index.unique and TENANT_COLUMN not in {getattr(e, "name", None) for e in index.expressions}:
            problems.append(f"{name}: unique index {index.name} lacks tenant_id")
    for constraint in _foreign_keys(table):
        target = constraint.referred_table.name
        if target not in tenant_tables:
            continue
        pairs = {element.parent.name: element.column.name for element in constraint.elements}
        columns = [column for column in pairs if column != TENANT_COLUMN]
        if pairs.get(TENANT_COLUMN) != TENANT_COLUMN:
            problems.append(
                f"{name}.{', '.join(columns)} → {target}: the foreign key lacks tenant_id "
                f"(declare it with tenant_ref({target!r}))"
            )
        if (constraint.ondelete or "").upper() in _SET_ACTIONS:
            problems.append(f"{name}.{', '.join(columns)} → {target}: ON DELETE {constraint.ondelete} nulls tenant_id")
    return problems


def _mapper_problems(mapper: Mapper, tenant_tables: set[str]) -> list[str]:
    name = mapper.local_table.name
    problems = []
    if any(column.name == TENANT_COLUMN for column in mapper.primary_key):
        problems.append(f"{name}: the ORM identity includes tenant_id (session.get(Model, id) would break)")
    for relationship in mapper.relationships:
        if relationship.mapper.local_table.name not in tenant_tables:
            continue
        copied = {column.name for pair in relationship.synchronize_pairs for column in pair}
        if TENANT_COLUMN in copied:
            problems.append(
                f"{mapper.class_.__name__}.{relationship.key}: copies tenant_id; "
                "name the reference column with foreign_keys=[…]"
            )
    return problems


def _names(columns: Iterable) -> str:
    return "(" + ", ".join(column.name for column in columns) + ")"


def citus_plan(base: type = Base) -> list[str]:
    """SQL an operator runs on the Citus coordinator after ``abonent db upgrade``, one statement a line.

    Reference tables first (every table of a model that is not tenant-owned), then the tenant-owned tables,
    each distributed by ``tenant_id`` and colocated with core's ``users`` (always there), in foreign-key order.
    """
    tenant_tables = tenant_table_names(base)
    ordered = base.metadata.sorted_tables
    lines = ["-- reference tables: platform rows, copied to every node"]
    lines += [f"SELECT create_reference_table('{t.name}');" for t in ordered if t.name not in tenant_tables]
    distributed = [t.name for t in ordered if t.name in tenant_tables]
    if not distributed:
        return lines
    anchor = ANCHOR if ANCHOR in distributed else distributed[0]
    lines.append("-- tenant-owned tables: distributed by tenant_id, one tenant's rows together")
    lines.append(f"SELECT create_distributed_table('{anchor}', 'tenant_id');")
    lines += [
        f"SELECT create_distributed_table('{name}', 'tenant_id', colocate_with => '{anchor}');"
        for name in distributed
        if name != anchor
    ]
    return lines
