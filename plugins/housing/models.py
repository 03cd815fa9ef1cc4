"""The housing plugin's tables: buildings, premises (flats), accounts bound to premises, meters and readings.

Every table is tenant-owned (core's guard scopes every query; row-level security backs it on PostgreSQL). A
personal account is core's; a flat can have several accounts (one per owner, say) and a person several flats.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Index, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api import Base, PersonalAccount, TenantOwned, tenant_ref, utcnow

# Meter kinds and how many tariff zones each may have.
COLD_WATER = "cold_water"
HOT_WATER = "hot_water"
ELECTRICITY = "electricity"
GAS = "gas"
HEAT = "heat"
METER_KINDS = (COLD_WATER, HOT_WATER, ELECTRICITY, GAS, HEAT)
MAX_ZONES = {COLD_WATER: 1, HOT_WATER: 1, ELECTRICITY: 3, GAS: 1, HEAT: 1}

# Where a reading came from, and its state.
RESIDENT = "resident"
OPERATOR = "operator"
IMPORT = "import"
READING_SOURCES = (RESIDENT, OPERATOR, IMPORT)
ACCEPTED = "accepted"
REVIEW = "review"  # accepted, and a staff member is to look at it


class Building(TenantOwned, Base):
    """An apartment building the company manages; its total area shares the building meters' volumes."""

    __tablename__ = "housing_buildings"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(300))
    total_area: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # The reading window of this building (days of the month); None = the tenant's.
    reading_opens: Mapped[int | None] = mapped_column(nullable=True)
    reading_closes: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Premises(TenantOwned, Base):
    """A flat (or other premises) of a building: its number as printed on the payment document."""

    __tablename__ = "housing_premises"
    __table_args__ = (UniqueConstraint("tenant_id", "building_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = tenant_ref("housing_buildings")
    number: Mapped[str] = mapped_column(String(20))
    area: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    residents: Mapped[int] = mapped_column(default=0)  # registered persons (for norms)

    building: Mapped[Building] = relationship(foreign_keys=[building_id], lazy="joined")


class AccountPremises(TenantOwned, Base):
    """A personal account bound to the premises it pays for (an account is bound to one premises)."""

    __tablename__ = "housing_account_premises"
    __table_args__ = (
        UniqueConstraint("tenant_id", "personal_account_id"),
        Index("ix_housing_account_premises_tenant_premises", "tenant_id", "premises_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    personal_account_id: Mapped[int] = tenant_ref("personal_accounts")
    premises_id: Mapped[int] = tenant_ref("housing_premises")

    account: Mapped[PersonalAccount] = relationship(foreign_keys=[personal_account_id], lazy="joined")
    premises: Mapped[Premises] = relationship(foreign_keys=[premises_id], lazy="joined")


class Meter(TenantOwned, Base):
    """A meter in a flat: kind, serial number, zones (tariffs), digits before the point, verification dates."""

    __tablename__ = "housing_meters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "premises_id", "kind", "serial"),
        Index("ix_housing_meters_tenant_premises", "tenant_id", "premises_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    premises_id: Mapped[int] = tenant_ref("housing_premises")
    kind: Mapped[str] = mapped_column(String(20))
    serial: Mapped[str] = mapped_column(String(60))
    zones: Mapped[int] = mapped_column(default=1)
    digits: Mapped[int] = mapped_column(default=5)
    installed_on: Mapped[date | None] = mapped_column(nullable=True)
    next_verification: Mapped[date | None] = mapped_column(nullable=True)
    # The value of each zone when the meter was installed ("123.456" strings, zone 1 first).
    initial_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    archived_on: Mapped[date | None] = mapped_column(nullable=True)

    premises: Mapped[Premises] = relationship(foreign_keys=[premises_id], lazy="joined")

    def initial(self, zone: int) -> Decimal | None:
        """The installation value of ``zone`` (1-based), if known."""
        values = self.initial_values or []
        return Decimal(values[zone - 1]) if len(values) >= zone else None


class Reading(TenantOwned, Base):
    """A meter's value for one zone and period; a correction inside the window replaces it (latest wins)."""

    __tablename__ = "housing_readings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meter_id", "zone", "period"),
        Index("ix_housing_readings_tenant_status", "tenant_id", "status"),
        Index("ix_housing_readings_tenant_revised", "tenant_id", "revised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = tenant_ref("housing_meters")
    zone: Mapped[int] = mapped_column(default=1)
    period: Mapped[date]  # the first day of the month it counts for
    value: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    use: Mapped[Decimal | None] = mapped_column(Numeric(14, 3), nullable=True)
    rollover: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=ACCEPTED)
    source: Mapped[str] = mapped_column(String(20), default=RESIDENT)
    submitted_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    # The month was billed already when this value (or its use) changed: the next billing run recalculates it.
    revised: Mapped[bool] = mapped_column(default=False, server_default=false())

    meter: Mapped[Meter] = relationship(foreign_keys=[meter_id], lazy="joined")


class BuildingReading(TenantOwned, Base):
    """A building (common) meter's volume for one month — the heat the building used, say — shared between the
    flats by area by a ``shared_by_area`` service of the same meter kind (the operator enters it; latest wins)."""

    __tablename__ = "housing_building_readings"
    __table_args__ = (UniqueConstraint("tenant_id", "building_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = tenant_ref("housing_buildings")
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[date]  # the first day of the month
    volume: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    source: Mapped[str] = mapped_column(String(20), default=OPERATOR)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# How a service is accrued (see plugins.housing.accruals.methods).
PER_AREA = "per_area"
METERED = "metered"
NORM = "norm"
SHARED_BY_AREA = "shared_by_area"  # a building meter's volume (``meter_kind``) shared by the flats' area
ACCRUAL_METHODS = (PER_AREA, METERED, NORM, SHARED_BY_AREA)


class HousingService(TenantOwned, Base):
    """A service the company bills: how it is accrued, its dated tariffs and (for water, gas …) dated norms.

    ``tariffs`` and ``norms`` are lists of ``[valid_from ISO date, value]`` (kopecks per unit; units per person a
    month). A metered service names the meter kind it reads; a flat without such a meter pays by the norm times
    ``no_meter_multiplier`` (1.5 where the rules say a meter could have been installed). A ``shared_by_area``
    service names the kind of its building meter: each flat pays the building's volume of the month
    (:class:`BuildingReading`) times its share of the building's area.
    """

    __tablename__ = "housing_services"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="")
    method: Mapped[str] = mapped_column(String(20))
    meter_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    tariffs: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    norms: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    no_meter_multiplier: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal(1))
    position: Mapped[int] = mapped_column(default=100)


class Accrual(TenantOwned, Base):
    """One service's charge to one account for one period, with the trace that explains it ("why this amount").

    The ledger transaction is posted under ``ledger_key``; a re-run of the period finds the row and posts nothing.
    """

    __tablename__ = "housing_accruals"
    __table_args__ = (UniqueConstraint("tenant_id", "personal_account_id", "service", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    personal_account_id: Mapped[int] = tenant_ref("personal_accounts")
    # The service's code; a recalculation of an earlier month is ``<code>:<YYYY-MM>`` (that month).
    service: Mapped[str] = mapped_column(String(60))
    period: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))
    trace: Mapped[dict] = mapped_column(JSON, default=dict)
    ledger_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(TenantOwned, Base):
    """A management company's report (a PDF) published for one building's residents, or for all (``building_id``
    None). The file is core's stored file (owner ``housing_report``)."""

    __tablename__ = "housing_reports"
    __table_args__ = (Index("ix_housing_reports_tenant_building", "tenant_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    building_id: Mapped[int | None] = tenant_ref("housing_buildings", nullable=True)
    file_id: Mapped[int | None] = tenant_ref("stored_files", nullable=True)
    published_on: Mapped[date]
    published_by: Mapped[int | None] = tenant_ref("users", nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    building: Mapped[Building | None] = relationship(foreign_keys=[building_id], lazy="joined")
