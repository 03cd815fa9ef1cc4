"""The resident's readings page in Russian and English: a comma value saved, a refusal and a confirmation said in
words with what was typed kept, another flat's meter 404, and no page for a tenant without housing."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from core.api import grant_access, open_account, session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path
from plugins.housing.models import AccountPremises, Building, Meter, Premises
from tests.plugins.housing.clock import on

TODAY = date(2026, 12, 21)


@pytest.fixture
def resident(app, make_tenant, make_user, enable_plugin):
    def make(slug: str, locale: str = "ru", **meter_fields):
        tenant = make_tenant(slug, login_identifier="contract", locale=locale)
        enable_plugin(tenant, "housing")
        user = make_user(tenant, "1000120", roles=("subscriber",))
        with app.app_context(), tenant_scope(tenant.id):
            building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
            session.add(building)
            session.flush()
            flat = Premises(building_id=building.id, number="12", area=Decimal("54.3"), residents=3)
            other_flat = Premises(building_id=building.id, number="13", area=Decimal(41), residents=1)
            session.add_all([flat, other_flat])
            session.flush()
            account = open_account("1000120", holder_name="Иванов")
            session.flush()
            grant_access(session.get(User, user.id), account)
            session.add(AccountPremises(personal_account_id=account.id, premises_id=flat.id))
            meter = Meter(
                premises_id=flat.id, kind="cold_water", serial="XB-1", digits=5, initial_values=["100"], **meter_fields
            )
            foreign = Meter(premises_id=other_flat.id, kind="cold_water", serial="XB-2", digits=5)
            session.add_all([meter, foreign])
            session.commit()
            return tenant, user, meter.id, foreign.id

    return make


def post(client, tenant, meter_id, value, **extra):
    with on(TODAY):
        return client.submit(
            tenant_path(tenant, "/housing/readings"), {"meter_id": str(meter_id), "zone_1": value, **extra}
        )


def test_a_reading_with_a_comma_is_saved_and_shown(app, resident, login):
    tenant, user, meter_id, _ = resident("ru-flat")
    client = login(tenant, user)
    page = client.get(tenant_path(tenant, "/housing/readings")).get_data(as_text=True)
    assert "Показания счётчиков" in page and "Холодная вода № XB-1" in page and "ул. Ленина, 5, кв. 12" in page
    saved = post(client, tenant, meter_id, "105,5")
    assert saved.status_code == 302
    page = client.get(tenant_path(tenant, "/housing/readings")).get_data(as_text=True)
    assert "Показания сохранены." in page and "Последнее значение: 105,5 (12.2026)" in page


def test_a_saved_reading_says_what_happens_to_it(app, resident, login):
    """Accepted is not silent: a reading after the window counts for next month, a fall goes to review."""
    tenant, user, meter_id, _ = resident("ru-late")
    client = login(tenant, user)
    with on(date(2026, 12, 27)):
        saved = client.submit(tenant_path(tenant, "/housing/readings"), {"meter_id": str(meter_id), "zone_1": "90"})
    assert saved.status_code == 302
    page = client.get(tenant_path(tenant, "/housing/readings")).get_data(as_text=True)
    assert "Показания сохранены." in page
    assert "эти будут учтены в следующем месяце" in page
    assert "Значение меньше предыдущего (100). Оно принято, сотрудник его проверит." in page
    assert "Последнее значение: 90 (01.2027)" in page


def test_refusals_and_confirmations_are_said_in_words_in_russian_and_english(app, resident, login):
    tenant, user, meter_id, _ = resident("ru-expired", next_verification=date(2026, 11, 30))
    client = login(tenant, user)
    refused = post(client, tenant, meter_id, "105")
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Срок поверки счётчика истёк 30.11.2026" in text and 'value="105"' in text
    en_tenant, en_user, en_meter, _ = resident("en-flat", locale="en")
    en_client = login(en_tenant, en_user)
    wrong = post(en_client, en_tenant, en_meter, "12,3456")
    assert wrong.status_code == 400 and "Enter the reading as a number, for example 123,45." in wrong.get_data(
        as_text=True
    )


def test_another_flats_meter_answers_404(app, resident, login):
    tenant, user, _meter_id, foreign_id = resident("nosy")
    client = login(tenant, user)
    assert post(client, tenant, foreign_id, "5").status_code == 404


def test_a_tenant_without_housing_has_no_readings_page(app, make_tenant, make_user, login):
    tenant = make_tenant("isp-only", login_identifier="contract")
    user = make_user(tenant, "5001", roles=("subscriber",))
    client = login(tenant, user)
    assert client.get(tenant_path(tenant, "/housing/readings")).status_code == 404


def test_the_operator_checks_a_flagged_reading_and_enters_one_by_phone(app, resident, login, make_user):
    tenant, user, meter_id, _ = resident("office")
    operator = make_user(tenant, "operator", roles=("operator",))
    post(login(tenant, user), tenant, meter_id, "90")  # lower than the initial 100: accepted for review
    staff = login(tenant, operator)
    queue = staff.get(tenant_path(tenant, "/housing/admin/readings")).get_data(as_text=True)
    assert "Показания на проверку" in queue and "Меньше предыдущего значения" in queue, queue[-3000:]
    reading_id = re.search(r"/housing/admin/readings/(\d+)/checked", queue).group(1)
    checked = staff.submit(
        tenant_path(tenant, f"/housing/admin/readings/{reading_id}/checked"),
        {},
        form_url=tenant_path(tenant, "/housing/admin/readings"),
    )
    assert checked.status_code == 302
    assert "Нет показаний, ожидающих проверки." in staff.get(tenant_path(tenant, "/housing/admin/readings")).get_data(
        as_text=True
    )
    phone = tenant_path(tenant, "/housing/admin/readings/phone?account=1000120")
    page = staff.get(phone).get_data(as_text=True)
    assert "ул. Ленина, 5, кв. 12" in page and "Холодная вода № XB-1" in page
    saved = staff.submit(phone, {"account": "1000120", "meter_id": str(meter_id), "value": "95,5"}, form_url=phone)
    assert saved.status_code == 302
    assert staff.get(tenant_path(tenant, "/housing/admin/readings/phone?account=0000")).status_code == 200
    subscriber_client = login(tenant, user)
    assert subscriber_client.get(tenant_path(tenant, "/housing/admin/readings")).status_code == 403


def test_a_long_review_queue_says_how_many_wait_and_pages_oldest_first(app, resident, login, make_user):
    """After a month of readings, 130 wait for a check: the oldest 100 first with "1–100 of 130", then the rest."""
    from datetime import UTC, datetime, timedelta

    from plugins.housing.models import REVIEW, Reading

    def months_back(n: int) -> date:
        year, month = divmod(2026 * 12 + 10 - n, 12)  # November 2026, then the months before it
        return date(year, month + 1, 1)

    tenant, _user, meter_id, _ = resident("busy-office")
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with app.app_context(), tenant_scope(tenant.id):
        session.add_all(
            Reading(
                meter_id=meter_id,
                period=months_back(n),  # one reading per month: a meter has one per month
                value=Decimal(1000 + n),
                status=REVIEW,
                submitted_at=start + timedelta(minutes=n),
            )
            for n in range(130)
        )
        session.commit()
    staff = login(tenant, make_user(tenant, "operator", roles=("operator",)))
    queue = staff.get(tenant_path(tenant, "/housing/admin/readings")).get_data(as_text=True)
    values = [int(v) for v in re.findall(r'<td class="num">(\d{4})[.,]?0*</td>', queue)]
    assert values == list(range(1000, 1100)) and re.search(r"1–100\D+130", queue)
    following = re.search(r'href="([^"]+)" rel="next"', queue).group(1).replace("&amp;", "&")
    rest = staff.get(following).get_data(as_text=True)
    assert [int(v) for v in re.findall(r'<td class="num">(\d{4})[.,]?0*</td>', rest)] == list(range(1100, 1130))
