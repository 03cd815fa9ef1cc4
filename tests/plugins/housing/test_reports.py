"""Management-company reports: a PDF checked by its content is published for a building or for everyone; each
resident lists and downloads only their building's and the common ones (another building's or tenant's: 404)."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from core.api import StoredFile, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.housing.models import Report

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def publish(client, world, title, building, data=PDF, filename="report.pdf"):
    url = tenant_path(world.tenant, "/housing/admin/reports")
    token = client.csrf_token(url)
    form = {
        "csrf_token": token,
        "title": title,
        "building_id": str(building or ""),
        "document": (io.BytesIO(data), filename),
    }
    return client.post(url, data=form, content_type="multipart/form-data")


def file_links(page: str) -> dict[str, str]:
    return {title: link for link, title in re.findall(r'<a href="([^"]*/files/\d+)">([^<]+)</a>', page)}


def test_reports_reach_the_residents_of_their_building_only(app, housing_world, login):
    world = housing_world("reports-ru")
    staff = login(world.tenant, world.operator)
    assert publish(staff, world, "Отчёт за 2025 год: Ленина, 5", world.buildings["L5"]).status_code == 302
    assert publish(staff, world, "Тарифы на 2027 год", None).status_code == 302
    assert publish(staff, world, "Отчёт: Мира, 7", world.buildings["M7"]).status_code == 302
    admin_page = staff.get(tenant_path(world.tenant, "/housing/admin/reports")).get_data(as_text=True)
    assert "Отчёт «Отчёт: Мира, 7» опубликован." in admin_page and "Все жильцы" in admin_page

    lenina = login(world.tenant, world.residents["1000120"])
    page = lenina.get(tenant_path(world.tenant, "/housing/reports")).get_data(as_text=True)
    assert "Отчёты управляющей компании" in page and "для всех домов" in page
    links = file_links(page)
    assert set(links) == {"Отчёт за 2025 год: Ленина, 5", "Тарифы на 2027 год"}
    download = lenina.get(links["Отчёт за 2025 год: Ленина, 5"])
    assert download.status_code == 200 and download.mimetype == "application/pdf" and download.data == PDF

    mira = login(world.tenant, world.residents["1000701"])
    mira_links = file_links(mira.get(tenant_path(world.tenant, "/housing/reports")).get_data(as_text=True))
    assert set(mira_links) == {"Отчёт: Мира, 7", "Тарифы на 2027 год"}
    assert mira.get(links["Отчёт за 2025 год: Ленина, 5"]).status_code == 404
    assert mira.get(links["Тарифы на 2027 год"]).status_code == 200

    other = housing_world("reports-other")
    stranger = login(other.tenant, other.residents["1000120"])
    same_id = links["Тарифы на 2027 год"].replace("/t/reports-ru/", "/t/reports-other/")
    assert stranger.get(same_id).status_code == 404
    assert file_links(stranger.get(tenant_path(other.tenant, "/housing/reports")).get_data(as_text=True)) == {}


def test_only_a_real_pdf_is_published_and_the_refusal_is_said_in_english(app, housing_world, login):
    world = housing_world("reports-en", locale="en")
    staff = login(world.tenant, world.operator)
    for data in (b"<html>not a pdf</html>", PDF[:30], b""):
        refused = publish(staff, world, "Fake", world.buildings["L5"], data=data, filename="report.pdf")
        text = refused.get_data(as_text=True)
        assert refused.status_code == 400
        assert "Only a complete PDF document of at most 10 MB is accepted." in text or "Choose the PDF file." in text
    with app.app_context(), tenant_scope(world.tenant.id):
        assert session.scalar(select(func.count()).select_from(Report)) == 0
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    other = housing_world("reports-en-other")
    foreign = publish(staff, world, "Чужой дом", other.buildings["L5"])
    assert foreign.status_code == 404

    assert publish(staff, world, "Annual report", None).status_code == 302
    page = staff.get(tenant_path(world.tenant, "/housing/admin/reports")).get_data(as_text=True)
    assert "The report “Annual report” is published." in page and "All residents" in page
    with app.app_context(), tenant_scope(world.tenant.id):
        report_id = session.scalar(select(Report.id))
    withdraw = tenant_path(world.tenant, f"/housing/admin/reports/{report_id}/withdraw")
    resident = login(world.tenant, world.residents["1000130"])
    link = file_links(resident.get(tenant_path(world.tenant, "/housing/reports")).get_data(as_text=True))[
        "Annual report"
    ]
    assert staff.submit(withdraw, form_url=tenant_path(world.tenant, "/housing/admin/reports")).status_code == 302
    assert resident.get(link).status_code == 404
    assert "No report is published yet." in resident.get(tenant_path(world.tenant, "/housing/reports")).get_data(
        as_text=True
    )
    assert resident.get(tenant_path(world.tenant, "/housing/admin/reports")).status_code in (403, 404)
