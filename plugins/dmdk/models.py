"""The dmdk plugin's tables (its own Alembic branch ``dmdk``; row-level security on each).

The batch register's tables are in :mod:`plugins.dmdk.batches.models` (the package imports both modules).
The tables of the later capabilities live in their packages (``documents/models.py``, ``exchange/models.py``,
``applications/models.py``); the plugin's ``__init__`` loads them next to this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, tenant_ref, utcnow


class LoginNonce(TenantOwned, Base):
    """A single-use challenge for a certificate login: issued with a short life, used at the first attempt."""

    __tablename__ = "dmdk_login_nonces"
    __table_args__ = (UniqueConstraint("tenant_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


class CertificateHolder(TenantOwned, Base):
    """Who a certificate logs in as: a user known by the SNILS and/or personal INN of their certificates."""

    __tablename__ = "dmdk_certificate_holders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        UniqueConstraint("tenant_id", "snils"),
        UniqueConstraint("tenant_id", "inn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    snils: Mapped[str | None] = mapped_column(String(11), nullable=True)
    inn: Mapped[str | None] = mapped_column(String(12), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The organization INN (ИНН ЮЛ) of the certificate the holder last logged in with: the wizard checks the
    # organization found in the registry against it.
    organization_inn: Mapped[str | None] = mapped_column(String(12), nullable=True)


class OrganizationDraft(TenantOwned, Base):
    """A person's unfinished organization profile: the wizard's answers, one JSON object per step.

    ``organization_id`` is set when the draft edits a registered organization (the same wizard edits it).
    """

    __tablename__ = "dmdk_organization_drafts"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    organization_id: Mapped[int | None] = tenant_ref("organizations", ondelete="CASCADE", nullable=True)
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OrganizationProfile(TenantOwned, Base):
    """A registered participant: its registry identifiers and the wizard's answers (``data``, by step)."""

    __tablename__ = "dmdk_organization_profiles"
    __table_args__ = (UniqueConstraint("tenant_id", "organization_id"), UniqueConstraint("tenant_id", "inn"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(20))  # "legal" or "entrepreneur"
    inn: Mapped[str] = mapped_column(String(12))
    ogrn: Mapped[str] = mapped_column(String(15))
    kpp: Mapped[str] = mapped_column(String(9), default="")
    full_name: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Subdivision(TenantOwned, Base):
    """A territorially separate subdivision (ТОП): a child organization in core with its own KPP."""

    __tablename__ = "dmdk_subdivisions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "organization_id"),
        UniqueConstraint("tenant_id", "parent_id", "kpp"),
        Index("ix_dmdk_subdivisions_parent", "tenant_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    parent_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    kpp: Mapped[str] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(20))  # "branch", "representative", "other"
    address: Mapped[str] = mapped_column(String(500))


class Employee(TenantOwned, Base):
    """A person who registered as an employee of an organization (or one of its subdivisions).

    Their status is derived from their roles there (:mod:`plugins.dmdk.employees.status`).
    """

    __tablename__ = "dmdk_employees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        Index("ix_dmdk_employees_organization", "tenant_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoleChange(TenantOwned, Base):
    """One change of an employee's organization role (append-only: rows are only ever added)."""

    __tablename__ = "dmdk_role_changes"
    __table_args__ = (Index("ix_dmdk_role_changes_user", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = tenant_ref("users", ondelete="CASCADE")
    organization_id: Mapped[int] = tenant_ref("organizations", ondelete="CASCADE")
    role_code: Mapped[str] = mapped_column(String(60))
    granted: Mapped[bool] = mapped_column()
    # Users are never deleted (only marked so); no ON DELETE SET NULL, which would null tenant_id too.
    actor_id: Mapped[int | None] = tenant_ref("users", nullable=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
