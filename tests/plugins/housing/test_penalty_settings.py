"""Penalties through the tenant's settings: the dated rules on the settings form, the worked example on a real
account (5,000 ₽ paid 100 days after the due day = 131.54 ₽), a rule change mid-debt, and the resident's page
with the calculator and the warning before day 31."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.api import (
    SettingsError,
    find_account,
    grant_access,
    ledger,
    open_account,
    plugin_settings,
    save_settings,
    session,
    tenant_scope,
)
from core.identity.models import User
from core.testing.fixtures import tenant_path
from plugins.housing.models import AccountPremises, Accrual, Building, Premises
from plugins.housing.penalties.calculator import PenaltyRule, penalty
from plugins.housing.penalties.debts import debts
from plugins.housing.settings import HousingSettings

SEPTEMBER = date(2026, 9, 1)
DUE = date(2026, 10, 10)  # September's bill is due by the 10th of October


@pytest.fixture
def flat(app, make_tenant, make_user, enable_plugin):
    """A housing tenant, a resident's account bound to a flat, September accrued at 5,000 ₽."""

    def make(slug: str = "peni", locale: str = "ru", amount: int = 500_000):
        tenant = make_tenant(slug, locale=locale)
        enable_plugin(tenant, "housing")
        user = make_user(tenant, f"{slug}@example.org", roles=("subscriber",))
        with app.app_context(), tenant_scope(tenant.id):
            building = Building(code="B1", address="ул. Мира, 1", total_area=Decimal(1000))
            session.add(building)
            session.flush()
            premises = Premises(building_id=building.id, number="7", area=Decimal(50), residents=1)
            session.add(premises)
            account = open_account("7001", holder_name="Петров Пётр Петрович")
            session.flush()
            session.add(AccountPremises(personal_account_id=account.id, premises_id=premises.id))
            session.add(
                Accrual(
                    personal_account_id=account.id,
                    service="maintenance",
                    period=SEPTEMBER,
                    amount=amount,
                    method="per_area",
                    trace={},
                    ledger_key="test:september",
                )
            )
            grant_access(session.get(User, user.id), account)
            session.commit()
        return tenant, user

    return make


def pay(app, tenant, day: date, amount: int, key: str = "pay"):
    with app.app_context(), tenant_scope(tenant.id):
        account = find_account("7001")
        ledger.transfer(
            key,
            "payment",
            ledger.clearing_account("sberbank"),
            account.ledger_account,
            amount,
            occurred_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        )
        session.commit()


def reckon(app, tenant, on: date, **kwargs):
    with app.app_context(), tenant_scope(tenant.id):
        return debts(tenant, find_account("7001"), on, **kwargs)


def test_the_default_rules_are_9_5_percent_and_the_law_s_thresholds(app, flat):
    tenant, _user = flat()
    with app.app_context():
        housing = plugin_settings(tenant, "housing")
    assert housing.penalty_rules == (PenaltyRule(date(2022, 2, 28), Decimal("0.095")),)
    assert housing.payment_due_day == 10


def test_the_worked_example_through_the_settings_path_5000_paid_100_days_late_is_131_54(app, flat):
    tenant, _user = flat()
    pay(app, tenant, DUE + timedelta(days=100), 500_000)  # day 100 of the debt; it still carries the penalty
    [debt] = reckon(app, tenant, DUE + timedelta(days=120), with_paid=True)
    assert (debt.amount, debt.due, debt.outstanding) == (500_000, DUE, 0)
    assert debt.penalty.total == 13_154
    assert [(run.days, run.divisor) for run in debt.penalty.runs] == [(60, 300), (10, 130)]
    assert reckon(app, tenant, DUE + timedelta(days=120)) == []  # nothing left unpaid


def test_rules_saved_in_the_settings_apply_and_a_change_mid_debt_applies_from_its_date(app, flat):
    tenant, _user = flat()
    with app.app_context(), tenant_scope(tenant.id):
        save_settings("housing", {"penalty_rules": ["2022-02-28 9,5 30 90 300 130", "2027-01-01 16 20 60"]})
        session.commit()
        assert plugin_settings(tenant, "housing").penalty_rules[1] == PenaltyRule(
            date(2027, 1, 1), Decimal("0.16"), 20, 300, 61, 130
        )
    # September's 5,000 ₽ unpaid: days 31..82 (to 2026-12-31) at 1/300 of 9.5 % (day 61+ is 1/300 too under the
    # old rule up to day 90); from 2027-01-01 (day 83) the new rule: day ≥ 61 → 1/130 of 16 %.
    [debt] = reckon(app, tenant, date(2027, 1, 10))
    runs = [(run.first, run.last, run.divisor, run.rate) for run in debt.penalty.runs]
    assert runs == [
        (date(2026, 11, 10), date(2026, 12, 31), 300, Decimal("0.095")),
        (date(2027, 1, 1), date(2027, 1, 10), 130, Decimal("0.16")),
    ]
    assert debt.penalty.total == round(52 * 500_000 * 0.095 / 300 + 10 * 500_000 * 0.16 / 130)


@pytest.mark.parametrize(
    "line",
    ["2027-13-01 16", "2027-01-01 сто", "2027-01-01 0", "2027-01-01 16 40 30", "2027-01-01", "2027-01-01 16 1 2 0 3"],
)
def test_a_wrong_rule_line_is_refused_with_a_reason_and_nothing_is_saved(app, flat, line):
    tenant, _user = flat()
    with app.app_context(), tenant_scope(tenant.id):
        with pytest.raises(SettingsError) as refused:
            save_settings("housing", {"penalty_rules": ["2022-02-28 9,5", line]})
        session.rollback()
        assert "penalty_rules" in refused.value.messages
        assert plugin_settings(tenant, "housing").penalty_rules == (PenaltyRule(date(2022, 2, 28), Decimal("0.095")),)


def test_the_operator_edits_the_rules_on_the_plugin_settings_form(app, flat, make_user, login):
    tenant, _user = flat()
    admin = make_user(tenant, "admin@example.org", roles=("tenant_admin",))
    client = login(tenant, admin)
    page = client.get(tenant_path(tenant, "/admin/plugins/housing")).get_data(as_text=True)
    assert "2022-02-28 9.5 30 90 300 130" in page and "Правила начисления пеней" in page
    response = client.submit(
        tenant_path(tenant, "/admin/plugins/housing"),
        {"penalty_rules": "2022-02-28 9,5 30 90 300 130\n2027-01-01 16", "payment_due_day": "10"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert plugin_settings(tenant, "housing").penalty_rules[1].rate == Decimal("0.16")
    wrong = client.submit(
        tenant_path(tenant, "/admin/plugins/housing"), {"penalty_rules": "2027-01-01 много", "payment_due_day": "10"}
    )
    assert wrong.status_code == 400 and "ставка" in wrong.get_data(as_text=True)


@given(
    rules=st.lists(
        st.tuples(st.dates(date(2022, 3, 1), date(2030, 1, 1)), st.decimals("0.5", "30", places=2)),
        max_size=4,
        unique_by=lambda rule: rule[0],
    ),
    amount=st.integers(min_value=1, max_value=10**9),
    due=st.dates(date(2023, 1, 1), date(2029, 1, 1)),
    paid_after=st.integers(min_value=1, max_value=400),
    late=st.integers(min_value=0, max_value=30),
)
def test_never_a_penalty_before_day_31_whatever_rates_the_tenant_sets(rules, amount, due, paid_after, late):
    lines = ["2022-02-28 9,5"] + [f"{day.isoformat()} {str(rate).replace('.', ',')}" for day, rate in rules]
    loaded = HousingSettings().load({"penalty_rules": lines})["penalty_rules"]
    assert penalty(amount, due, due + timedelta(days=late), rules=loaded).total == 0
    paid = [(due + timedelta(days=paid_after), amount)]
    result = penalty(amount, due, due + timedelta(days=500), paid, rules=loaded)
    assert result.first_penalty_day == due + timedelta(days=31)
    assert all(run.first >= due + timedelta(days=31) for run in result.runs)
    assert (not result.runs) == (paid_after <= 30)  # paid on day 31 or later: day 31 carries a penalty
