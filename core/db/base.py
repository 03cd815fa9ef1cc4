"""Declarative base shared by core and plugins, and the ``TenantOwned`` mixin.

Every table whose rows belong to one tenant inherits :class:`TenantOwned`. The mixin is the single
marker the tenant guard (:mod:`core.db.tenancy`) and the PostgreSQL row-level security migration
look for, so a plugin gets isolation by inheriting it and nothing else. It also makes the table's keys
Citus-ready (see :mod:`core.db.tenant_keys`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, Table, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from core.db.tenant_keys import tenant_table

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime (the only clock core uses)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always returned timezone-aware, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is UTC:
            return value  # the common case (utcnow()): no conversion per row in bulk inserts
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use core.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every Abonent model (core and plugins share one metadata)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class TenantOwned:
    """Mixin for rows that belong to exactly one tenant.

    Adds ``tenant_id``. Queries are filtered to the current tenant, new rows are stamped with it,
    and touching such a table with no tenant set raises (see :mod:`core.db.tenancy`). Unique
    constraints and indexes serving tenant queries must start with ``tenant_id``.

    Keys (:mod:`core.db.tenant_keys`): the table's primary key is ``(tenant_id, id)`` while the ORM identity
    stays ``id`` (``session.get(Model, id)`` works); a reference to another tenant-owned table is a
    :func:`~core.db.tenant_keys.tenant_ref` column (a composite foreign key including ``tenant_id``).
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(
            Integer, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, nullable=False, index=True
        )

    @classmethod
    def __table_cls__(cls, name: str, metadata: MetaData, *args: Any, **kwargs: Any) -> Table:
        return tenant_table(name, metadata, *args, **kwargs)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The identity is the model's own key: tenant_id is in the table's key, not in session.get()'s.
        return {"primary_key": [column for column in cls.__table__.primary_key.columns if column.name != "tenant_id"]}
