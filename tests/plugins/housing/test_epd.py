"""The ЕПД: charges per service with volume and tariff, the debt, the penalty line and the total; its QR read by a
real decoder (zxing-cpp) carries the GOST R 56042 fields; the PDF's Cyrillic text; the page in Russian and English;
another flat's or tenant's ЕПД answers 404."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import select

from core.api import find_account, grant_access, ledger, open_account, session, tenant_scope
from core.identity.models import User
from core.receipts.qr import parse_payload
from core.testing.fixtures import tenant_path
from plugins.housing.accruals.run import run_period
from plugins.housing.epd.service import build_epd
from plugins.housing.models import AccountPremises, Building, HousingService, Meter, Premises, Reading
from tests.plugins.housing.test_billing_run import MAINTENANCE, WATER
from tests.receipts.conftest import BANK, LEGAL
from tests.receipts.test_documents import fonts_of_text, pdf_text
from tests.receipts.test_qr import decode_image

NOVEMBER, DECEMBER = date(2026, 11, 1), date(2026, 12, 1)
# September: maintenance 54.3 m² × 28.50 = 1547.55 ₽, water 4 m³ × 45.67 = 182.68 ₽ → 1730.23 ₽
# October: 1547.55 ₽ + 5.5 m³ × 45.67 = 251.19 ₽ → 1798.74 ₽; November: 1547.55 ₽ + 3 m³ × 45.67 = 137.01 ₽
SEPTEMBER_TOTAL, OCTOBER_TOTAL, NOVEMBER_TOTAL = 173_023, 179_874, 168_456
PAID_ON_NOVEMBER_5 = 100_000
# December: 1547.55 ₽ + 2 m³ × 45.67 = 91.34 ₽ → 1638.89 ₽
DECEMBER_TOTAL = 163_889
# September's bill, due 10 October, has 730.23 ₽ unpaid from 6 November: days 31..51 (10–30 November) at 1/300
# of 9.5 %: 21 × 730.23 × 0.095 / 300 = 4.86 ₽. October's bill is due 10 November: no penalty in November.
# A month's document carries the penalty grown up to the end of the month before (what its billing run posts):
# none on November's, 4.86 ₽ on December's.
NOVEMBER_PENALTY = 486
NOVEMBER_TO_PAY = SEPTEMBER_TOTAL + OCTOBER_TOTAL - PAID_ON_NOVEMBER_5 + NOVEMBER_TOTAL  # 4213.53 ₽
TOTAL = NOVEMBER_TO_PAY + DECEMBER_TOTAL + NOVEMBER_PENALTY  # December's document: 5857.28 ₽


@pytest.fixture
def house(app, make_tenant, make_user, enable_plugin):
    """A company with legal and bank details; a resident of flat 12 (account 1001) with a water meter, billed
    September to November, who paid 1,000 ₽ on 5 November; flat 13 (account 1301) is someone else's."""

    def make(slug: str = "dom", locale: str = "ru"):
        tenant = make_tenant(slug, name="УК Дом", locale=locale, legal=dict(LEGAL), bank=dict(BANK))
        enable_plugin(tenant, "housing")
        user = make_user(tenant, f"{slug}@example.org", roles=("subscriber",))
        with app.app_context(), tenant_scope(tenant.id):
            session.add_all([HousingService(**WATER), HousingService(**MAINTENANCE)])
            building = Building(code="L5", address="ул. Ленина, 5", total_area=Decimal(6000))
            session.add(building)
            session.flush()
            flat = Premises(building_id=building.id, number="12", area=Decimal("54.3"), residents=3)
            other = Premises(building_id=building.id, number="13", area=Decimal(41), residents=2)
            session.add_all([flat, other])
            session.flush()
            mine = open_account("1001", holder_name="Иванов Иван Иванович", address="ул. Ленина, 5, кв. 12")
            theirs = open_account("1301", holder_name="Сидоров")
            session.flush()
            session.add(AccountPremises(personal_account_id=mine.id, premises_id=flat.id))
            session.add(AccountPremises(personal_account_id=theirs.id, premises_id=other.id))
            grant_access(session.get(User, user.id), mine)
            meter = Meter(premises_id=flat.id, kind="cold_water", serial="XB-1", digits=5, initial_values=["100"])
            session.add(meter)
            session.flush()
            value = Decimal(100)
            for month, use in ((9, "4"), (10, "5.5"), (11, "3")):
                value += Decimal(use)
                period = date(2026, month, 1)
                session.add(Reading(meter_id=meter.id, period=period, value=value, use=Decimal(use)))
                session.flush()
                run_period(period)
            ledger.transfer(
                "pay-1001",
                "payment",
                ledger.clearing_account("sberbank"),
                mine.ledger_account,
                PAID_ON_NOVEMBER_5,
                occurred_at=datetime(2026, 11, 5, 9, tzinfo=UTC),
            )
            session.commit()
            return tenant, user, mine.id, theirs.id

    return make


def bill_december(app, tenant):
    """December's reading (2 m³) and billing run."""
    with app.app_context(), tenant_scope(tenant.id):
        meter = session.scalar(select(Meter).where(Meter.serial == "XB-1"))
        session.add(Reading(meter_id=meter.id, period=DECEMBER, value=Decimal("114.5"), use=Decimal(2)))
        session.flush()
        run_period(DECEMBER)
        session.commit()


def epd_of(app, tenant, number="1001", period=NOVEMBER):
    with app.app_context(), tenant_scope(tenant.id):
        return build_epd(tenant, find_account(number), period, date(2026, 12, 20))


def test_the_epd_lists_each_service_and_adds_the_debt_and_the_penalty(app, house):
    tenant, *_ = house()
    epd = epd_of(app, tenant)
    lines = {line.code: line for line in epd.lines}
    water, maintenance = lines["cold_water"], lines["maintenance"]
    assert (water.title, water.unit, water.volume, water.accrued, water.recalculation) == (
        "Холодная вода",
        "м³",
        Decimal(3),
        13_701,
        0,
    )
    assert [t.price for t in water.tariffs] == [Decimal(4567)]
    assert (maintenance.unit, maintenance.volume, maintenance.amount) == ("м²", Decimal("54.3"), 154_755)
    assert (epd.opening_debt, epd.paid, epd.charges, epd.penalty) == (
        SEPTEMBER_TOTAL + OCTOBER_TOTAL,
        PAID_ON_NOVEMBER_5,
        NOVEMBER_TOTAL,
        0,  # September's debt is late from 10 November: its penalty is on December's document
    )
    assert epd.total == NOVEMBER_TO_PAY == 421_353
    bill_december(app, tenant)
    december = epd_of(app, tenant, period=DECEMBER)
    assert (december.opening_debt, december.paid, december.charges, december.penalty) == (
        NOVEMBER_TO_PAY,
        0,
        DECEMBER_TOTAL,
        NOVEMBER_PENALTY,
    )
    assert december.total == TOTAL == 585_728
    assert epd.due_on == date(2026, 12, 10)
    norms = {(ref.kind, ref.title): ref.value for ref in epd.references}
    assert norms[("norm", "Холодная вода")] == Decimal("6.935") and norms[("area", "")] == Decimal("54.3")


def test_the_billing_run_posts_the_penalty_so_the_balance_owes_the_documents_total(app, house):
    from plugins.housing.penalties.posting import post_penalties

    tenant, *_ = house()
    bill_december(app, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        assert post_penalties(tenant, DECEMBER) > NOVEMBER_PENALTY  # flat 13 never paid: its penalty too
        assert post_penalties(tenant, DECEMBER) == 0  # a re-run posts nothing
        session.commit()
        balance = find_account("1001").balance
    assert -balance == epd_of(app, tenant, period=DECEMBER).total == TOTAL  # nothing paid in December yet


def test_a_payment_that_arrives_late_with_an_earlier_date_recalculates_the_posted_penalty(app, house):
    from plugins.housing.penalties.posting import post_penalties

    tenant, *_ = house()
    bill_december(app, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        post_penalties(tenant, DECEMBER)
        account = find_account("1001")
        ledger.transfer(  # the bank's registry brings a payment made on 1 November, before the penalty days
            "pay-1001-late",
            "payment",
            ledger.clearing_account("sberbank"),
            account.ledger_account,
            73_023,
            occurred_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        )
        assert post_penalties(tenant, DECEMBER) == -NOVEMBER_PENALTY  # the penalty is taken back
        session.commit()
    assert epd_of(app, tenant, period=DECEMBER).penalty == 0


def test_the_qr_in_the_pdf_decodes_to_the_gost_fields_with_the_total_and_the_month(app, house, login):
    tenant, user, mine, _theirs = house()
    bill_december(app, tenant)
    response = login(tenant, user).get(tenant_path(tenant, f"/housing/epd/{mine}.pdf?period=2026-12"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    images = pypdf.PdfReader(io.BytesIO(response.data)).pages[0].images
    assert len(images) == 1
    code = decode_image(images[0].image)
    fields = parse_payload(code.text)
    assert code.text.startswith("ST00012|Name=")
    assert fields["PersAcc"] == "1001"
    assert fields["PaymPeriod"] == "122026"
    assert fields["Sum"] == str(TOTAL)
    assert fields["TechCode"] == "02"
    assert (fields["PersonalAcc"], fields["BIC"], fields["PayeeINN"]) == (BANK["account"], BANK["bic"], LEGAL["inn"])


def test_the_pdf_is_russian_with_cyrillic_in_embedded_pt_sans_even_for_an_english_page(app, house, login):
    tenant, user, mine, _theirs = house("dom-en", locale="en")
    bill_december(app, tenant)
    response = login(tenant, user).get(tenant_path(tenant, f"/housing/epd/{mine}.pdf?period=2026-12"))
    text = pdf_text(response.data)
    assert "Единый платёжный документ" in text and "за декабрь 2026" in text
    assert LEGAL["full_name"] in text and "Иванов Иван Иванович" in text
    assert "ул. Ленина, 5, кв. 12" in text
    assert "Холодная вода" in text and "45,67 ₽" in text and "Пени за просрочку оплаты" in text
    assert "Итого к оплате 5 857,28 ₽" in text
    assert fonts_of_text(response.data) == {"/AAAAAA+PTSans-Regular", "/AAAAAA+PTSans-Bold"}
    assert "Unified" not in text and "Total" not in text


def test_the_page_in_russian_has_no_english_and_the_english_page_is_english(app, house, login):
    tenant, user, mine, _theirs = house()
    bill_december(app, tenant)
    page = login(tenant, user).get(tenant_path(tenant, "/housing/epd?period=2026-12")).get_data(as_text=True)
    assert "Единый платёжный документ" in page and "Итого к оплате" in page and "5\u00a0857,28\u00a0₽" in page
    assert "Пени за просрочку оплаты" in page and "Справочно" in page
    assert "Декабрь 2026" in page and "Ноябрь 2026" in page  # the month selector
    assert f"/housing/epd/{mine}.pdf?period=2026-12" in page
    words = re.sub(r"<[^>]+>", " ", page)  # what the reader sees, not the markup's URLs and classes
    for english in ("Unified", "Payment", "Payee", "Total", "Charged", "Tariff", "Month", "Download", "enalt", "flat"):
        assert english not in words, english
    tenant_en, user_en, _mine, _theirs = house("dom-en", locale="en")
    bill_december(app, tenant_en)
    page_en = login(tenant_en, user_en).get(tenant_path(tenant_en, "/housing/epd?period=2026-12"))
    text = page_en.get_data(as_text=True)
    assert "Unified payment document" in text and "Total to pay" in text and "Penalties for late payment" in text
    assert "December 2026" in text


def test_another_flat_another_tenant_and_a_month_without_an_epd_answer_404(app, house, login):
    tenant, user, mine, theirs = house()
    _other, _user, foreign, _ = house("dom-2")
    client = login(tenant, user)
    assert client.get(tenant_path(tenant, f"/housing/epd/{mine}")).status_code == 200
    for path in (
        f"/housing/epd/{theirs}",
        f"/housing/epd/{theirs}.pdf",
        f"/housing/epd/{foreign}",
        f"/housing/epd/{foreign}.pdf?period=2026-11",
        f"/housing/epd/{mine}?period=2026-08",  # nothing accrued: no ЕПД
        f"/housing/epd/{mine}?period=2026-13",
        "/housing/epd?period=сентябрь",
    ):
        assert client.get(tenant_path(tenant, path)).status_code == 404, path


def test_the_resident_with_two_flats_switches_between_their_epds(app, house, login):
    tenant, user, mine, theirs = house()
    with app.app_context(), tenant_scope(tenant.id):
        grant_access(session.get(User, user.id), find_account("1301"))
        session.commit()
    client = login(tenant, user)
    page = client.get(tenant_path(tenant, f"/housing/epd/{mine}")).get_data(as_text=True)
    assert f"/housing/epd/{theirs}" in page and "кв. 13" in page
    assert "Лицевой счёт" in client.get(tenant_path(tenant, f"/housing/epd/{theirs}")).get_data(as_text=True)


def test_the_debts_page_shows_each_debt_with_its_penalty_and_warns_before_day_31(app, house, login):
    tenant, user, *_ = house()
    client = login(tenant, user)
    page = client.get(tenant_path(tenant, "/housing/penalties?on=2026-11-30")).get_data(as_text=True)
    assert "Долги и пени" in page
    assert "Не оплачено: 730,23" in page and "51 день просрочки" in page  # September's bill on 30 November
    assert "Пени: 4,86" in page
    # October's bill (due 10 November) is in its free days: the warning says until when to pay
    assert "Оплатите до 10 декабря 2026" in page and "11 декабря 2026" in page
    later = client.get(tenant_path(tenant, "/housing/penalties?on=2026-12-31")).get_data(as_text=True)
    assert 'data-testid="penalty-warning"' in later  # November's bill, due 10 December
    wrong = client.get(tenant_path(tenant, "/housing/penalties?on=31.12.2026"))
    assert wrong.status_code == 400 and "error" in wrong.get_data(as_text=True)


def test_the_menu_has_the_payment_document(app, house, login):
    tenant, user, *_ = house()
    page = login(tenant, user).get(tenant_path(tenant, "/")).get_data(as_text=True)
    assert 'href="/t/dom/housing/epd"' in page


def test_a_true_up_when_readings_resume_is_shown_as_the_recalculation(app, house):
    tenant, *_ = house()
    with app.app_context(), tenant_scope(tenant.id):
        run_period(date(2026, 12, 1))  # no December reading: the average of 4, 5.5 and 3 m³
        meter = session.scalars(select(Meter)).one()
        session.add(Reading(meter_id=meter.id, period=date(2027, 1, 1), value=Decimal("122.5"), use=Decimal(10)))
        session.flush()
        run_period(date(2027, 1, 1))
        session.commit()
    december = {line.code: line for line in epd_of(app, tenant, period=date(2026, 12, 1)).lines}
    assert (december["cold_water"].volume, december["cold_water"].accrued) == (
        Decimal("4.166666666666666666666666667"),
        19_029,
    )
    january = {line.code: line for line in epd_of(app, tenant, period=date(2027, 1, 1)).lines}
    # 10 m³ used over December and January, 4.1667 m³ billed for December: (10 − 4.1667) × 45.67 = 266.41 ₽
    assert (january["cold_water"].accrued, january["cold_water"].recalculation) == (0, 26_641)
    assert january["maintenance"].accrued == 154_755 and january["maintenance"].recalculation == 0
