"""Reminders through core notifications, each once per occasion: the reading window opens, it closes tomorrow
(only where a reading is missing), verification in 60 and 30 days, a debt before its penalties start (day 31)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from core.api import ledger, session, tenant_scope
from core.jobs.registry import run_job
from core.notify.models import Notification
from plugins.housing.models import Accrual, Meter, Reading
from plugins.housing.reminders.service import penalty_period


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def notices(app, world, number, kind=None):
    user = world.residents[number]
    with app.app_context(), tenant_scope(world.tenant.id):
        query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return [(n.title, n.body) for n in session.scalars(query)]


def remind(app, world, day):
    return run_job(app, "housing.reminders", now=on(day), tenant=world.tenant.slug)


def test_the_reading_window_reminders_in_russian_each_sent_once(app, housing_world):
    world = housing_world("remind-window")
    with app.app_context(), tenant_scope(world.tenant.id):
        flat = session.get(Meter, world.meters["XB-1"]).premises_id
        other = Meter(premises_id=world.flats["M7/1"], kind="gas", serial="G-1", digits=5)
        session.add(other)
        session.flush()
        session.add(Reading(meter_id=other.id, period=date(2026, 12, 1), value=Decimal(5)))
        session.commit()
    assert flat == world.flats["L5/12"]
    remind(app, world, date(2026, 12, 19))
    assert notices(app, world, "1000120") == []
    remind(app, world, date(2026, 12, 20))
    remind(app, world, date(2026, 12, 21))
    assert notices(app, world, "1000120", "housing_readings") == [
        ("Пора передать показания счётчиков", "ул. Ленина, 5, кв. 12: показания принимаются с 20 по 25 число.")
    ]
    assert notices(app, world, "1000130") == []  # no meters
    assert notices(app, world, "1000701") == []  # its reading is in
    remind(app, world, date(2026, 12, 24))
    remind(app, world, date(2026, 12, 24))
    closing = notices(app, world, "1000120", "housing_readings")[1:]
    assert closing == [
        (
            "Приём показаний счётчиков заканчивается завтра",
            "ул. Ленина, 5, кв. 12: передайте показания до 25 числа, иначе начисление будет по среднему или нормативу.",
        )
    ]
    assert notices(app, world, "1000701") == []


def test_verification_reminders_come_60_and_30_days_before_in_english(app, housing_world):
    world = housing_world("remind-verify", locale="en")
    with app.app_context(), tenant_scope(world.tenant.id):
        session.get(Meter, world.meters["XB-1"]).next_verification = date(2027, 2, 10)
        session.commit()
    remind(app, world, date(2026, 12, 1))  # 71 days before: nothing yet
    assert notices(app, world, "1000120", "housing_verification") == []
    remind(app, world, date(2026, 12, 12))
    remind(app, world, date(2026, 12, 13))
    remind(app, world, date(2027, 1, 11))
    remind(app, world, date(2027, 1, 30))
    sent = notices(app, world, "1000120", "housing_verification")
    assert [title for title, _body in sent] == ["Meter verification is due on 10 February 2027"] * 2
    assert "Cold water meter № XB-1 must be verified by 10 February 2027" in sent[0][1]
    assert notices(app, world, "1000130", "housing_verification") == []


def test_a_debt_is_warned_of_before_its_first_penalty_day_once(app, housing_world):
    world = housing_world("remind-debt")
    with app.app_context(), tenant_scope(world.tenant.id):
        from core.api import find_account

        debtor, payer = find_account("1000130"), find_account("1000120")
        for account in (debtor, payer):
            session.add(
                Accrual(
                    personal_account_id=account.id,
                    service="maintenance",
                    period=date(2026, 11, 1),
                    amount=500000,
                    method="per_area",
                    ledger_key=f"test:{account.id}",
                )
            )
        revenue = ledger.revenue_account("maintenance").id
        ledger.post_transfers(
            [ledger.Transfer("test:debt", "housing_accrual", debtor.ledger_account_id, revenue, 500000)]
        )
        session.commit()
    # November's charges are due on 10 December; day 31 of the debt is 10 January.
    assert penalty_period(date(2027, 1, 5)) == (date(2026, 11, 1), date(2027, 1, 10))
    assert penalty_period(date(2027, 1, 4)) is None and penalty_period(date(2027, 1, 10)) is None
    remind(app, world, date(2027, 1, 4))
    assert notices(app, world, "1000130", "housing_debt") == []
    remind(app, world, date(2027, 1, 6))
    remind(app, world, date(2027, 1, 8))
    sent = notices(app, world, "1000130", "housing_debt")
    assert len(sent) == 1
    title, body = sent[0]
    assert title == "Пени начнут начисляться 10 января 2027"
    assert "за ноябрь 2026" in body and "5" in body and "000,00" in body
    assert notices(app, world, "1000120", "housing_debt") == []  # nothing owed (no ledger debt)
