"""Demo data from a tenant file's ``[demo.plugins.housing]``: services, buildings, flats, meters and a year.

``abonent demo`` calls :func:`load` on every start, so it is idempotent: services, buildings, flats, accounts and
meters are created once (a flat without a ``login`` is left for a visitor to register); each of the last
:data:`HISTORY_MONTHS` months (before the current one) gets its readings through the resident's submission
service (:func:`plugins.housing.readings.service.submit`, so a meter whose verification expired gets none, as in
life), then the real billing run (:func:`plugins.housing.accruals.run.run_period`), then the resident's payment of
that month's accruals (except the months a debtor did not pay). Ledger keys are deterministic
(``demo:housing:pay:<account>:<YYYY-MM>``). The current month is left for the visitor to submit readings.
Residents log in with their e-mail; the logins created here are returned so the demo prints them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import click
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select

from core.api import (
    AccountError,
    DemoLogin,
    IdentityError,
    Tenant,
    User,
    create_user,
    find_account,
    grant_access,
    ledger,
    open_account,
    session,
)
from plugins.housing.accruals.run import period_key, run_period
from plugins.housing.models import (
    ACCRUAL_METHODS,
    MAX_ZONES,
    METER_KINDS,
    AccountPremises,
    Accrual,
    Building,
    HousingService,
    Meter,
    Premises,
    Reading,
)
from plugins.housing.penalties.posting import post_penalties
from plugins.housing.readings.service import submit

HISTORY_MONTHS = 12
READING_DAY = 22  # inside the default window (20–25)
PAYMENT_DAY = 10  # of the month after the accrual
# How a month's use differs from the meter's usual one (by month of the year, January first): winters use more.
SEASON = (
    Decimal("1.15"),
    Decimal("1.10"),
    Decimal("1.05"),
    Decimal("1.00"),
    Decimal("0.95"),
    Decimal("0.85"),
    Decimal("0.80"),
    Decimal("0.85"),
    Decimal("0.95"),
    Decimal("1.00"),
    Decimal("1.05"),
    Decimal("1.10"),
)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


Dated = fields.List(fields.String(), validate=validate.Length(equal=2))


class DemoServiceSchema(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.String(load_default="")
    method = fields.String(required=True, validate=validate.OneOf(ACCRUAL_METHODS))
    meter_kind = fields.String(load_default=None, validate=validate.OneOf(METER_KINDS))
    tariffs = fields.List(Dated, required=True, metadata={"description": '[["2020-01-01", "4567"]]: kopecks'})
    norms = fields.List(Dated, load_default=list)
    no_meter_multiplier = fields.Decimal(load_default=Decimal(1))


class DemoBuildingSchema(_Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))
    total_area = fields.Decimal(required=True, validate=validate.Range(min=1))


class DemoMeterSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(METER_KINDS))
    serial = fields.String(required=True, validate=validate.Length(min=1, max=60))
    digits = fields.Integer(load_default=5, validate=validate.Range(min=3, max=8))
    initial = fields.Decimal(load_default=Decimal(0))
    monthly_use = fields.Decimal(required=True, validate=validate.Range(min=0))
    # Months from the current one to the next verification; negative: it expired that many months ago.
    verification_in_months = fields.Integer(load_default=48, validate=validate.Range(min=-120, max=180))


class DemoFlatSchema(_Strict):
    building = fields.String(required=True)
    number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    area = fields.Decimal(required=True, validate=validate.Range(min=1))
    residents = fields.Integer(load_default=1, validate=validate.Range(min=0, max=50))
    account = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6,20}$"))
    holder = fields.String(required=True)
    # The resident's login (e-mail): created here with ``password``, or an existing demo user of the file; none
    # for a flat whose resident has not registered yet (a visitor registers with its account number).
    login = fields.String(load_default=None)
    password = fields.String(load_default=None, validate=validate.Length(min=8))
    note = fields.String(load_default="")
    unpaid_months = fields.Integer(load_default=0, validate=validate.Range(min=0, max=HISTORY_MONTHS))
    meters = fields.List(fields.Nested(DemoMeterSchema), load_default=list)


class DemoHousingSchema(_Strict):
    services = fields.List(fields.Nested(DemoServiceSchema), load_default=list)
    buildings = fields.List(fields.Nested(DemoBuildingSchema), required=True)
    flats = fields.List(fields.Nested(DemoFlatSchema), required=True)

    @validates_schema
    def _references(self, data: dict, **_kw) -> None:
        codes = {b["code"] for b in data["buildings"]}
        for flat in data["flats"]:
            if flat["building"] not in codes:
                raise ValidationError(f"flat {flat['number']}: unknown building {flat['building']}", "flats")
        for service in data["services"]:
            if service["method"] == "metered" and not service["meter_kind"]:
                raise ValidationError(f"{service['code']}: a metered service names its meter_kind", "services")


def _month(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def load(tenant: Tenant, data: dict[str, Any]) -> list[DemoLogin]:
    """Create the demo company's stock, meters and a year of readings, accruals and payments (idempotent).

    Returns the residents' logins created here. Raises ``click.ClickException`` when ``data`` is invalid.
    The caller commits.
    """
    try:
        spec = DemoHousingSchema().load(data)
    except ValidationError as error:
        raise click.ClickException(f"{tenant.slug}: [demo.plugins.housing] is invalid: {error.messages}") from None
    zone = ZoneInfo(tenant.timezone)
    today = datetime.now(zone).date()
    for position, service in enumerate(spec["services"], start=1):
        _ensure_service(service, position * 10)
    buildings = {b["code"]: _ensure_building(b) for b in spec["buildings"]}
    logins: list[DemoLogin] = []
    meters: list[tuple[Meter, dict]] = []
    for flat_spec in spec["flats"]:
        try:
            user, created = _ensure_resident(tenant, flat_spec) if flat_spec["login"] else (None, False)
            account = find_account(flat_spec["account"]) or open_account(
                flat_spec["account"],
                holder_name=flat_spec["holder"],
                address=f"{buildings[flat_spec['building']].address}, кв. {flat_spec['number']}",
            )
        except (AccountError, IdentityError) as error:
            raise click.ClickException(f"{tenant.slug}: demo flat {flat_spec['number']}: {error}") from None
        session.flush()
        if user is not None:
            grant_access(user, account)
        flat = _ensure_flat(buildings[flat_spec["building"]], flat_spec, account.id)
        for meter_spec in flat_spec["meters"]:
            meters.append((_ensure_meter(flat, meter_spec, today), meter_spec))
        if created and not any(entry.login == flat_spec["login"] for entry in logins):
            logins.append(DemoLogin(flat_spec["login"], flat_spec["password"], flat_spec["note"]))
    session.flush()
    for back in range(HISTORY_MONTHS, 0, -1):
        period = _month(today, back)
        for meter, meter_spec in meters:
            _read(meter, meter_spec, period, zone)
        run_period(period, now=datetime.combine(period, time(3), zone))
        session.flush()
    for flat_spec in spec["flats"]:
        _pay(find_account(flat_spec["account"]), flat_spec["unpaid_months"], today, zone)
    session.flush()
    post_penalties(tenant, today.replace(day=1))  # the debtor's penalty, as this month's billing run posts it
    session.flush()
    return logins


def _ensure_service(spec: dict, position: int) -> HousingService:
    service = session.scalar(select(HousingService).where(HousingService.code == spec["code"]))
    if service is None:
        service = HousingService(code=spec["code"], position=position)
        session.add(service)
    service.title, service.unit, service.method = spec["title"], spec["unit"], spec["method"]
    service.meter_kind, service.tariffs, service.norms = spec["meter_kind"], spec["tariffs"], spec["norms"]
    service.no_meter_multiplier = spec["no_meter_multiplier"]
    return service


def _ensure_building(spec: dict) -> Building:
    building = session.scalar(select(Building).where(Building.code == spec["code"]))
    if building is None:
        building = Building(code=spec["code"], address=spec["address"], total_area=spec["total_area"])
        session.add(building)
        session.flush()
    return building


def _ensure_resident(tenant: Tenant, spec: dict) -> tuple[User, bool]:
    """The flat's resident: an existing user with this login (a demo user of the file), or a new one."""
    login = spec["login"].strip().lower()
    user = session.scalar(select(User).where(User.login == login))
    if user is not None:
        return user, False
    if spec["password"] is None:
        raise click.ClickException(f"{tenant.slug}: demo flat {spec['number']}: {login} needs a password")
    user, _password = create_user(
        tenant, login, full_name=spec["holder"], email=login, roles=("subscriber",), password=spec["password"]
    )
    return user, True


def _ensure_flat(building: Building, spec: dict, account_id: int) -> Premises:
    flat = session.scalar(
        select(Premises).where(Premises.building_id == building.id, Premises.number == spec["number"])
    )
    if flat is None:
        flat = Premises(building_id=building.id, number=spec["number"], area=spec["area"], residents=spec["residents"])
        session.add(flat)
        session.flush()
    bound = session.scalar(select(AccountPremises).where(AccountPremises.personal_account_id == account_id))
    if bound is None:
        session.add(AccountPremises(personal_account_id=account_id, premises_id=flat.id))
    return flat


def _ensure_meter(flat: Premises, spec: dict, today: date) -> Meter:
    meter = session.scalar(
        select(Meter).where(Meter.premises_id == flat.id, Meter.kind == spec["kind"], Meter.serial == spec["serial"])
    )
    if meter is None:
        installed = _month(today, HISTORY_MONTHS + 1)
        meter = Meter(
            premises_id=flat.id,
            kind=spec["kind"],
            serial=spec["serial"],
            zones=1,
            digits=spec["digits"],
            installed_on=installed,
            initial_values=[str(spec["initial"])],
        )
        session.add(meter)
    if MAX_ZONES[spec["kind"]] < meter.zones:
        raise click.ClickException(f"meter {spec['serial']}: too many zones for {spec['kind']}")
    verification = _month(today, -spec["verification_in_months"])
    meter.next_verification = verification.replace(day=15)
    session.flush()
    return meter


def _read(meter: Meter, spec: dict, period: date, zone: ZoneInfo) -> None:
    """The resident's reading of ``period`` through the submission service, once (none if refused)."""
    exists = session.scalar(select(Reading.id).where(Reading.meter_id == meter.id, Reading.period == period))
    if exists is not None:
        return
    previous = session.scalar(
        select(Reading.value).where(Reading.meter_id == meter.id).order_by(Reading.period.desc()).limit(1)
    )
    start = Decimal(previous) if previous is not None else spec["initial"]
    use = (spec["monthly_use"] * SEASON[period.month - 1]).quantize(Decimal("0.001"))
    value = (start + use) % (Decimal(10) ** meter.digits)
    day = period.replace(day=READING_DAY)
    submit(
        meter,
        {1: f"{value:.3f}".replace(".", ",")},
        day,
        user_id=None,
        confirmed=True,
        now=datetime.combine(day, time(19, 30), zone),
    )


def _pay(account, unpaid_months: int, today: date, zone: ZoneInfo) -> None:
    """Pay each month's accruals on the 10th of the next month, except the last ``unpaid_months`` months."""
    totals = dict(
        session.execute(
            select(Accrual.period, func.sum(Accrual.amount))
            .where(Accrual.personal_account_id == account.id)
            .group_by(Accrual.period)
        ).all()
    )
    for back in range(HISTORY_MONTHS, unpaid_months, -1):
        period = _month(today, back)
        amount = int(totals.get(period) or 0)
        if amount <= 0:
            continue
        paid_on = _month(today, back - 1).replace(day=PAYMENT_DAY)
        ledger.transfer(
            f"demo:housing:pay:{account.number}:{period_key(period)}",
            "payment",
            ledger.clearing_account("sberbank"),
            account.ledger_account,
            amount,
            occurred_at=datetime.combine(paid_on, time(12), zone),
            memo="Сбербанк Онлайн",
            meta={"channel": "registry", "provider": "sberbank"},
        )
