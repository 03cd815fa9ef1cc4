"""Citus-ready keys: every key of a tenant-owned table includes ``tenant_id`` (one mechanism, in ``TenantOwned``).

The way past one PostgreSQL server is distributing the tables by tenant (Citus). Its rule: every primary
key and unique constraint of a distributed (tenant-owned) table includes the distribution column, and so
does every foreign key between two of them; tables without ``tenant_id`` become reference tables
(``abonent db citus-plan`` prints the calls, :mod:`core.db.citus` checks the rule). The decisions:

* **Keys.** :class:`~core.db.base.TenantOwned` builds its table through :func:`tenant_table`: the primary
  key becomes ``(tenant_id, <the model's own key>)`` — ``(tenant_id, id)`` for every model with an ``id``.
  A model declares ``id`` as before (``mapped_column(primary_key=True)``); inheriting the mixin is all it takes.
* **ORM identity stays the model's own key.** The mixin maps the identity on the key without ``tenant_id``
  (``__mapper_args__ = {"primary_key": [id]}``), so ``session.get(Model, id)``, ``get_or_404`` and every
  ``<int:id>`` URL work unchanged; the tenant guard adds ``tenant_id = …`` to every load. Ids stay unique
  across tenants (one sequence / rowid per table), so identity on ``id`` alone is sound. (The ORM's own
  UPDATE/DELETE of a loaded object names ``id`` only: correct on Citus, but sent to every shard.)
* **Ids.** ``id`` is the only generated column of the key (``autoincrement=True``, set here): PostgreSQL keeps
  its sequence (``SERIAL``) inside the composite key. SQLite cannot autoincrement a composite key, so on
  SQLite only the key is compiled as ``PRIMARY KEY (id)`` plus ``UNIQUE (tenant_id, id)``
  (``uq_<table>_tenant_id_id``, the target of the composite foreign keys): ``id`` stays the rowid alias, so
  ORM inserts, executemany and ``INSERT … SELECT`` without ``id`` get ids on both databases as before. The
  hook works on the table's shape (``tenant_id`` plus one integer column without a foreign key), so tables
  created by migrations, including Alembic's SQLite batch copies, come out the same. Alternatives weighed:
  ids made in Python (a race, and every bulk path would have to pass them), a trigger copying the rowid
  (RETURNING would not see it), a redundant ``UNIQUE (tenant_id, id)`` in the models on every database
  (a second index on every PostgreSQL table).
* **Foreign keys between tenant-owned tables** are declared with :func:`tenant_ref`
  (``user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")``): the column plus the composite key
  ``(tenant_id, user_id) → users (tenant_id, id)``, named as the plain one was (``fk_<table>_<column>_<target>``).
  A row can no longer point at another tenant's row, on either database. ``ON DELETE SET NULL`` is refused:
  it would null ``tenant_id`` too, and Citus refuses ``SET NULL`` on a key holding the distribution column;
  rows that are pointed at optionally (users, imports) are never hard-deleted while referenced.
* **Relationships** over such a key name the reference column, ``relationship(foreign_keys=[user_id])``: the
  join is on the id (unique) and only the id is copied; ``tenant_id`` stays the guard's (the mixin's column),
  so no two relationships "copy" ``tenant_id`` (no overlap warnings, no ``overlaps=``/``viewonly`` needed) and
  a many-to-one load still finds the target in the identity map.
* **Migrations**: :func:`core.migrate.upgrade_tenant_keys` converts the existing tables of a branch (keys and
  every foreign key pointing at them; on SQLite by copying each table once — migrations run with SQLite's
  foreign keys off and check them all before the commit), :func:`core.migrate.downgrade_tenant_keys` undoes
  it. New tables are written by autogenerate with the composite keys already. Plugin revisions older than
  core's keys revision create their foreign keys to core's tables with :func:`core.migrate.tenant_foreign_key`,
  so they work before and after it (on a new database Alembic runs core's branch first).
* **Checked**: :func:`core.db.citus.key_violations` lists every model breaking the rule (a test keeps it empty,
  ``core.testing.suites.TestCitusReadyKeys`` does the same for an outside plugin), and
  ``tests/test_migrations.py`` compares the primary keys too (Alembic's comparison skips them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKeyConstraint, Integer, PrimaryKeyConstraint, Table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.schema import CreateColumn

TENANT_COLUMN = "tenant_id"
_REF = "abonent_tenant_ref"
#: Alembic's SQLite batch mode copies a table through a temporary one of this name.
_BATCH_PREFIX = "_alembic_tmp_"
_REFUSED_ACTIONS = ("SET NULL", "SET DEFAULT")


def tenant_ref(target: str, *, ondelete: str | None = None, **column: Any) -> MappedColumn[Any]:
    """A column pointing at a row of the tenant-owned table ``target`` (by its ``id``), in the same tenant.

    Use it instead of ``mapped_column(ForeignKey("target.id"))`` in a ``TenantOwned`` model; the table gets
    the composite foreign key ``(tenant_id, <column>) → target (tenant_id, id)``. ``ondelete`` is ``None`` or
    ``"CASCADE"`` (``SET NULL`` would null ``tenant_id``, and Citus refuses it); other keyword arguments go to
    ``mapped_column`` (``nullable=True``, ``index=True``, ``primary_key=True`` …).
    """
    if ondelete and ondelete.upper() in _REFUSED_ACTIONS:
        raise ValueError(f"tenant_ref({target!r}): ON DELETE {ondelete} would null tenant_id; Citus refuses it")
    info = {**column.pop("info", {}), _REF: (target, ondelete)}
    return mapped_column(Integer, info=info, **column)


def tenant_table(name: str, metadata: Any, *args: Any, **kwargs: Any) -> Table:
    """Build a tenant-owned table (``TenantOwned.__table_cls__``): the key leads with ``tenant_id``, the model's
    own key column is the generated one, and every :func:`tenant_ref` column gets its composite foreign key."""
    table = Table(name, metadata, *args, **kwargs)
    tenant = table.c[TENANT_COLUMN]
    own = [column for column in table.primary_key.columns if column is not tenant]
    if not own:
        raise TypeError(f"{name}: a tenant-owned table needs its own key column (e.g. id) besides tenant_id")
    if (
        len(own) == 1
        and own[0].autoincrement == "auto"
        and not own[0].foreign_keys
        and not own[0].info.get(_REF)
        and issubclass(own[0].type._type_affinity, Integer)
    ):
        own[0].autoincrement = True
    table.append_constraint(PrimaryKeyConstraint(tenant, *own))
    for column in list(table.columns):
        reference = column.info.get(_REF)
        if reference is None:
            continue
        target, ondelete = reference
        table.append_constraint(
            ForeignKeyConstraint(
                [TENANT_COLUMN, column.name],
                [f"{target}.{TENANT_COLUMN}", f"{target}.id"],
                name=f"fk_{name}_{column.name}_{target}",
                ondelete=ondelete,
            )
        )
    return table


def own_key_column(table: Table) -> Any | None:
    """The generated key column of a table keyed ``(tenant_id, <integer column>)``, or ``None``.

    That is the shape SQLite stores as ``PRIMARY KEY (<column>)`` + ``UNIQUE (tenant_id, <column>)``.
    """
    columns = list(table.primary_key.columns)
    names = {column.name for column in columns}
    if len(columns) != 2 or TENANT_COLUMN not in names:
        return None
    (own,) = (column for column in columns if column.name != TENANT_COLUMN)
    if own.foreign_keys or own.autoincrement is False or not issubclass(own.type._type_affinity, Integer):
        return None
    return own


def sqlite_key_name(table: Table) -> str | None:
    """The name of the ``UNIQUE (tenant_id, id)`` SQLite stores beside ``PRIMARY KEY (id)``, or ``None``."""
    own = own_key_column(table)
    if own is None:
        return None
    return f"uq_{table.name.removeprefix(_BATCH_PREFIX)}_{TENANT_COLUMN}_{own.name}"


@compiles(CreateColumn, "sqlite")
def _sqlite_column(element: CreateColumn, compiler: Any, **kw: Any) -> str:
    column = element.element
    if column.table is None or own_key_column(column.table) is not column:
        return compiler.visit_create_column(element, **kw)
    # SQLite refuses autoincrement in a composite key; the key is compiled as PRIMARY KEY (id) below.
    spec = f"{compiler.preparer.format_column(column)} {compiler.dialect.type_compiler_instance.process(column.type)}"
    default = compiler.get_column_default_string(column)
    if default is not None:
        spec += f" DEFAULT {default}"
    return spec + " NOT NULL"


@compiles(PrimaryKeyConstraint, "sqlite")
def _sqlite_primary_key(constraint: PrimaryKeyConstraint, compiler: Any, **kw: Any) -> str:
    table = constraint.table
    own = own_key_column(table) if table is not None else None
    if own is None:
        return compiler.visit_primary_key_constraint(constraint, **kw)
    quote = compiler.preparer.quote
    return (
        f"{compiler.define_constraint_preamble(constraint, **kw)}PRIMARY KEY ({quote(own.name)}), "
        f"CONSTRAINT {quote(sqlite_key_name(table))} UNIQUE ({quote(TENANT_COLUMN)}, {quote(own.name)})"
    )
