"""Demo data from a tenant file's ``[demo.plugins.isp]``: the catalogue and contracts in every state.

``abonent demo`` calls :func:`load` on every start, so it is idempotent: products are created or
brought in line with the file, a contract is opened once (with its balance, history and state), and
ledger keys are deterministic (``demo:isp:<number>:…``). Amounts are kopecks, as in core's
``[[demo.accounts]]``. Contract logins are returned so the demo prints them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import click
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from core.api import DemoLogin, Tenant, ledger, plugin_settings, session, utcnow
from plugins.isp.categories.service import DEFAULTS as DEFAULT_CATEGORIES
from plugins.isp.common.calendar import tenant_today, tenant_zone
from plugins.isp.contracts.service import ContractError, NewContract, contract_by_number, monthly_fee, open_contract
from plugins.isp.models import (
    ACTIVE,
    HOLDER_KINDS,
    PRODUCT_KINDS,
    START_RULES,
    TARIFF_KINDS,
    Freeze,
    Product,
    SubscriberCategory,
)

NORMAL = "normal"
BLOCKED = "blocked"
FROZEN = "frozen"
HISTORY_MONTHS = 2


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class DemoProductSchema(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}$"))
    kind = fields.String(required=True, validate=validate.OneOf(PRODUCT_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    monthly_fee = fields.Integer(required=True, validate=validate.Range(min=0), metadata={"description": "kopecks"})
    speed_mbps = fields.Integer(load_default=None, validate=validate.Range(min=1))
    channels = fields.Integer(load_default=None, validate=validate.Range(min=1))
    # Codes of the tenant's categories; all of them when left out.
    categories = fields.List(fields.String(), load_default=None)
    holder_kinds = fields.List(
        fields.String(validate=validate.OneOf(HOLDER_KINDS)), load_default=lambda: ["individual"]
    )
    includes = fields.List(fields.String(), load_default=list)
    allowed_changes = fields.List(fields.String(), load_default=list)
    start_rule = fields.String(load_default="next_day", validate=validate.OneOf(START_RULES))
    archived = fields.Boolean(load_default=False)


class DemoContractSchema(_Strict):
    number = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z-]{1,40}$"))
    password = fields.String(required=True, validate=validate.Length(min=8))
    holder_name = fields.String(required=True)
    holder_kind = fields.String(load_default="individual", validate=validate.OneOf(HOLDER_KINDS))
    holder_inn = fields.String(load_default="")
    category = fields.String(load_default=DEFAULT_CATEGORIES[0][0])
    address = fields.String(load_default="")
    email = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default="")
    products = fields.List(fields.String(), required=True)
    balance = fields.Integer(load_default=0, metadata={"description": "kopecks; negative = debt"})
    opened_days_ago = fields.Integer(load_default=180, validate=validate.Range(min=0, max=3650))
    state = fields.String(load_default=NORMAL, validate=validate.OneOf([NORMAL, BLOCKED, FROZEN]))
    note = fields.String(load_default="")

    @validates_schema
    def _state_fits_balance(self, data: dict, **_kw) -> None:
        if data["state"] == BLOCKED and data["balance"] >= 0:
            raise ValidationError("a contract blocked for debt needs a negative balance", "balance")


class DemoCategorySchema(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,9}$"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    login_tab = fields.Boolean(load_default=True)


class DemoIspSchema(_Strict):
    categories = fields.List(
        fields.Nested(DemoCategorySchema),
        load_default=lambda: [{"code": c, "title": t, "login_tab": True} for c, t in DEFAULT_CATEGORIES],
    )
    products = fields.List(fields.Nested(DemoProductSchema), load_default=list)
    contracts = fields.List(fields.Nested(DemoContractSchema), load_default=list)

    @validates_schema
    def _references(self, data: dict, **_kw) -> None:
        codes = {p["code"] for p in data["products"]}
        category_codes = {c["code"] for c in data["categories"]}
        for product in data["products"]:
            unknown = [c for c in product["categories"] or [] if c not in category_codes]
            if unknown:
                raise ValidationError(f"{product['code']}: unknown categories {unknown}", "products")
        for contract in data["contracts"]:
            if contract["category"] not in category_codes:
                raise ValidationError(f"{contract['number']}: unknown category {contract['category']}", "contracts")
        for product in data["products"]:
            unknown = [c for c in product["includes"] + product["allowed_changes"] if c not in codes]
            if unknown:
                raise ValidationError(f"{product['code']}: unknown product codes {unknown}", "products")
        for contract in data["contracts"]:
            unknown = [c for c in contract["products"] if c not in codes]
            if unknown:
                raise ValidationError(f"{contract['number']}: unknown product codes {unknown}", "contracts")


def load(tenant: Tenant, data: dict[str, Any]) -> list[DemoLogin]:
    """Create the demo catalogue and contracts for ``tenant`` (idempotent); returns the contract logins.

    Raises ``click.ClickException`` when ``data`` does not match :class:`DemoIspSchema`.
    The caller commits.
    """
    try:
        spec = DemoIspSchema().load(data)
    except ValidationError as error:
        raise click.ClickException(f"{tenant.slug}: [demo.plugins.isp] is invalid: {error.messages}") from None
    # Archived products are archived after the contracts are opened: a demo subscriber may keep one.
    for position, category in enumerate(spec["categories"], start=1):
        _ensure_category(category, position * 10)
    all_codes = [c["code"] for c in spec["categories"]]
    _drop_unlisted_categories(all_codes)
    for product in spec["products"]:
        if product["categories"] is None:
            product["categories"] = list(all_codes)
    products = [_ensure_product(product, position) for position, product in enumerate(spec["products"])]
    today = tenant_today(tenant)
    logins: list[DemoLogin] = []
    for contract in spec["contracts"]:
        try:
            _ensure_contract(tenant, contract, today)
        except ContractError as error:
            raise click.ClickException(f"{tenant.slug}: demo contract {contract['number']}: {error.message}") from None
        logins.append(DemoLogin(contract["number"], contract["password"], contract["note"]))
    for product, product_spec in zip(products, spec["products"], strict=True):
        product.archived = product_spec["archived"]
    session.flush()
    return logins


def _ensure_category(spec: dict[str, Any], position: int) -> None:
    category = session.query(SubscriberCategory).filter(SubscriberCategory.code == spec["code"]).one_or_none()
    if category is None:
        category = SubscriberCategory(code=spec["code"])
        session.add(category)
    category.title, category.login_tab, category.position = spec["title"], spec["login_tab"], position
    session.flush()


def _drop_unlisted_categories(listed: list[str]) -> None:
    """The file lists the tenant's categories: unused ones it does not list (defaults) are removed."""
    from plugins.isp.categories.service import use_of

    for category in session.query(SubscriberCategory).all():
        if category.code not in listed and not use_of(category).used:
            session.delete(category)
    session.flush()


def _ensure_product(spec: dict[str, Any], position: int) -> Product:
    product = session.query(Product).filter(Product.code == spec["code"]).one_or_none()
    if product is None:
        product = Product(code=spec["code"])
        session.add(product)
    for name, value in spec.items():
        if name not in ("code", "archived"):
            setattr(product, name, value)
    product.archived = False
    product.position = position
    session.flush()
    return product


def _months_back(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months before ``today``'s, oldest first."""
    firsts = []
    first = today.replace(day=1)
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        firsts.append(first)
    return list(reversed(firsts))


def _ensure_contract(tenant: Tenant, spec: dict[str, Any], today: date) -> None:
    if contract_by_number(spec["number"]) is not None:
        return  # opened on an earlier start: its state is the subscriber's now
    opened = today - timedelta(days=spec["opened_days_ago"])
    contract, _user, _password = open_contract(
        tenant,
        NewContract(
            number=spec["number"],
            holder_name=spec["holder_name"],
            holder_kind=spec["holder_kind"],
            holder_inn=spec["holder_inn"],
            category=spec["category"],
            address=spec["address"],
            email=spec["email"],
            phone=spec["phone"],
            products=tuple(spec["products"]),
            starts_on=opened,
            password=spec["password"],
        ),
        opened,
    )
    # The past is settled: the charge job starts from today instead of catching up the whole demo history.
    for subscription in contract.subscriptions:
        subscription.charged_through = today - timedelta(days=1)
    _post_history(tenant, contract, spec, opened, today)
    if spec["state"] == BLOCKED:
        grace = plugin_settings(tenant, "isp").block_grace_days
        contract.negative_since = today - timedelta(days=grace + 5)
        contract.blocked_since = utcnow() - timedelta(days=2)
    elif spec["balance"] < 0:
        contract.negative_since = today
    if spec["state"] == FROZEN:
        session.add(
            Freeze(
                contract_id=contract.id,
                starts_on=today - timedelta(days=5),
                ends_on=today + timedelta(days=25),
                status=ACTIVE,
                open_slot=contract.id,
                fee_kind="none",
                fee=0,
                by_staff=True,
            )
        )
    session.flush()


def _post_history(tenant: Tenant, contract, spec: dict[str, Any], opened: date, today: date) -> None:
    """Monthly payments and charges of the past months, then the difference to the file's balance."""
    zone = tenant_zone(tenant)
    personal = contract.account.ledger_account
    fee = monthly_fee(contract, today)
    number = contract.number
    kind = next((s.product.kind for s in contract.subscriptions if s.product.kind in TARIFF_KINDS), "internet")
    for first in _months_back(today, HISTORY_MONTHS):
        if first < opened or not fee:
            continue
        period = f"{first:%Y-%m}"
        ledger.transfer(
            f"demo:isp:{number}:pay:{period}",
            "payment",
            ledger.clearing_account("sberbank"),
            personal,
            fee,
            occurred_at=datetime.combine(first + timedelta(days=2), time(12), zone),
            memo="Сбербанк Онлайн",
            meta={"channel": "registry", "provider": "sberbank"},
        )
        ledger.transfer(
            f"demo:isp:{number}:charge:{period}",
            "charge",
            personal,
            ledger.revenue_account(kind),
            fee,
            service=kind,
            period=period,
            occurred_at=datetime.combine(first, time(0, 5), zone),
            memo="Абонентская плата",
        )
    balance = spec["balance"]
    if balance > 0:
        ledger.transfer(
            f"demo:isp:{number}:opening",
            "payment",
            ledger.clearing_account("sberbank"),
            personal,
            balance,
            occurred_at=datetime.combine(today - timedelta(days=1), time(12), zone),
            memo="Сбербанк Онлайн",
            meta={"channel": "registry", "provider": "sberbank"},
        )
    elif balance < 0:
        ledger.transfer(
            f"demo:isp:{number}:debt",
            "charge",
            personal,
            ledger.revenue_account(kind),
            -balance,
            service=kind,
            period=f"{today:%Y-%m}",
            occurred_at=datetime.combine(today.replace(day=1), time(0, 5), zone),
            memo="Абонентская плата",
        )
