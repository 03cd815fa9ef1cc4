"""The organization wizard: found in the register and checked against the head's certificate, each step validated
(the OKVED rule 1 / ≤ 2 / any, the head's fields by kind, beneficiaries), the draft kept between steps and
sessions, "Register" making the head the administrator, editing through the same wizard; Russian pages fit a phone.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.api import Organization, organization_roles, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.employees.roles import ADMIN
from plugins.dmdk.identifiers.checks import inn_problem, kpp_problem, ogrn_problem, ogrnip_problem
from plugins.dmdk.models import OrganizationDraft, OrganizationProfile, Subdivision
from plugins.dmdk.registry.lookup import SAMPLE, RegistryRecord, find_organization, register_lookup
from tests.plugins.dmdk.orgs import (
    ACTIVITIES,
    CONTACTS,
    HEAD_PERSON,
    LEBEDEV,
    NEVA,
    NORTH,
    bind_certificate,
    fill_wizard,
    step,
)


@pytest.fixture
def head(app, make_tenant, make_user, enable_plugin, login):
    """``head(slug, locale="en", organization_inn=NORTH)``: a dmdk tenant and a logged-in client of a person whose
    certificate is the organization's."""

    def make(slug: str, locale: str = "en", organization_inn: str | None = NORTH["inn"], inn: str | None = None):
        tenant = make_tenant(slug, locale=locale)
        enable_plugin(tenant, "dmdk")
        user = make_user(tenant, f"head@{slug}.example", full_name="Петров Пётр")
        bind_certificate(app, tenant, user, organization_inn, inn)
        return tenant, user, login(tenant, user)

    return make


def test_the_sample_register_has_ten_organizations_with_valid_numbers(app):
    rows = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert len(rows) == 10
    with app.test_request_context():
        for row in rows:
            assert inn_problem(row["inn"]) is None
            check = ogrn_problem if row["kind"] == "legal" else ogrnip_problem
            assert check(row["ogrn"]) is None
            assert row["kind"] == "entrepreneur" or kpp_problem(row["kpp"]) is None
    assert find_organization(NORTH["inn"]).short_name == NORTH["name"]
    assert find_organization(NORTH["ogrn"]).inn == NORTH["inn"]
    assert find_organization("7707083893") is None


def test_a_registered_lookup_is_asked_first(app):
    record = RegistryRecord("legal", "7707083893", "1027700132195", "770701001", "ПАО «Тест»", "Тест", "Москва", "И")

    class OneOrganization:
        def find(self, number):
            return record if number == record.inn else None

    register_lookup(OneOrganization())
    try:
        assert find_organization("7707083893") is record
        assert find_organization(NORTH["inn"]).short_name == NORTH["name"]
    finally:
        from plugins.dmdk.registry import lookup

        lookup._LOOKUPS.remove(lookup._LOOKUPS[0])


def test_the_organization_must_be_the_certificates(head):
    tenant, _user, client = head("dm-find")
    response = step(client, tenant, "find", {"number": NEVA["ogrn"]})
    assert response.status_code == 400
    assert "Your certificate was not issued for ООО «Невский ювелир»" in response.get_data(as_text=True)
    response = step(client, tenant, "find", {"number": "1027700132195"})
    assert response.status_code == 400
    assert "The register has no organization with the number 1027700132195" in response.get_data(as_text=True)
    response = step(client, tenant, "find", {"number": "12345"})
    assert "Enter 13 digits of the OGRN" in response.get_data(as_text=True)
    # before the organization is found, later steps send back to the first
    assert client.get(tenant_path(tenant, "/dmdk/organization/wizard/head")).status_code == 302
    response = step(client, tenant, "find", {"number": NORTH["inn"]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dmdk/organization/wizard/contacts")
    assert "АО «Северное сияние»" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_entrepreneur_registers_with_their_own_inn(head):
    tenant, _user, client = head("dm-ip", organization_inn=None, inn=LEBEDEV["inn"])
    assert step(client, tenant, "find", {"number": LEBEDEV["ogrn"]}).status_code == 302
    tenant2, _user2, client2 = head("dm-ip2", organization_inn=NORTH["inn"])
    response = step(client2, tenant2, "find", {"number": LEBEDEV["inn"]})
    assert "INN is not this entrepreneur" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("answers", "field_message"),
    [
        ({"main": ""}, "Enter the main OKVED2 code."),
        ({"main": "32.12 47.77"}, "There is exactly one main activity"),
        ({"auxiliary": "46.48\n47.77\n24.41"}, "At most two auxiliary activities"),
        ({"other": "99.99"}, "There is no code 99.99 in the OKVED2 classifier."),
        ({"other": "32.12"}, "Each code appears once"),
    ],
)
def test_the_okved_rule(head, answers, field_message):
    tenant, _user, client = head("dm-okved")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    response = step(client, tenant, "activities", {**ACTIVITIES, **answers})
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)


def test_one_main_two_auxiliary_and_many_other_codes_pass(head):
    tenant, _user, client = head("dm-okved-ok")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    many = "\n".join(["24.41", "96.09", "47.7", "46.4"][:4])
    response = step(client, tenant, "activities", {"main": "32.12", "auxiliary": "46.48\n47.77", "other": many})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(tenant_path(tenant, "/dmdk/organization/wizard/activities")).get_data(as_text=True)
    assert "46.48\n47.77" in page


@pytest.mark.parametrize(
    ("kind", "answers", "missing"),
    [
        ("person", {"full_name": "Петров П. П.", "birth_date": "1970-05-01"}, ("id_document", "actual_address")),
        ("legal", {"full_name": "ООО «Мать»", "short_name": "Мать", "inn": "7707083893"}, ("kpp", "ogrn", "address")),
        ("foreign", {"full_name": "Mother Ltd", "short_name": "Mother"}, ("foreign_id", "country")),
    ],
)
def test_each_kind_of_head_has_its_own_required_fields(head, kind, answers, missing):
    tenant, _user, client = head(f"dm-head-{kind}")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    response = step(client, tenant, "head", {"kind": kind, **answers})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for name in missing:
        assert f'id="{name}-error"' in page
    for name in answers:
        assert f'id="{name}-error"' not in page


def test_a_legal_entity_heads_numbers_are_checked(head):
    tenant, _user, client = head("dm-head-numbers")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    answers = {
        "kind": "legal",
        "full_name": "ООО «Мать»",
        "short_name": "Мать",
        "inn": "7707083894",
        "kpp": "770701001",
        "ogrn": "1027700132195",
        "address": "Москва",
    }
    response = step(client, tenant, "head", answers)
    assert "check digit does not match" in response.get_data(as_text=True)
    assert step(client, tenant, "head", {**answers, "inn": "7707083893"}).status_code == 302


def test_a_beneficiary_is_active_or_has_an_end_date(head):
    tenant, _user, client = head("dm-benef")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    item = {
        "action": "add",
        "full_name": "Сидоров С. С.",
        "birth_date": "1980-01-01",
        "id_document": "Паспорт",
        "registration_address": "Москва",
        "actual_address": "Москва",
    }
    response = step(client, tenant, "beneficiaries", item)
    assert "Tick «Active», or enter the date until which this was true." in response.get_data(as_text=True)
    assert step(client, tenant, "beneficiaries", {**item, "end_date": "2024-06-30"}).status_code == 302
    page = client.get(tenant_path(tenant, "/dmdk/organization/wizard/beneficiaries")).get_data(as_text=True)
    assert "Сидоров С. С." in page and "Until 2024-06-30" in page


def test_the_draft_is_kept_between_steps_and_sessions(app, head, login):
    tenant, user, client = head("dm-draft")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    assert step(client, tenant, "contacts", CONTACTS).status_code == 302
    response = step(client, tenant, "contacts", {**CONTACTS, "email": "not an address", "postal_same": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in page and "Enter the postal address, or tick" in page
    again = login(tenant, user)  # another browser: the saved answers are there
    page = again.get(tenant_path(tenant, "/dmdk/organization/wizard/contacts")).get_data(as_text=True)
    assert 'value="office@north.example"' in page
    with app.app_context(), tenant_scope(tenant.id):
        draft = session.scalar(select(OrganizationDraft))
        assert draft.user_id == user.id and draft.steps["contacts"]["email"] == "office@north.example"
        assert draft.steps["record"]["inn"] == NORTH["inn"]


def test_register_makes_the_head_the_administrator(app, head):
    tenant, user, client = head("dm-register")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    response = step(client, tenant, "confirm")
    assert response.status_code == 400
    assert "Some steps are not filled in yet" in response.get_data(as_text=True)
    fill_wizard(client, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        profile = session.scalar(select(OrganizationProfile))
        assert profile.inn == NORTH["inn"] and profile.data["activities"]["main"] == "32.12"
        assert profile.data["head"]["birth_date"] == HEAD_PERSON["birth_date"]
        assert organization_roles(profile.organization_id) == {user.id: {ADMIN}}
        subdivision = session.scalar(select(Subdivision))
        branch = session.get(Organization, subdivision.organization_id)
        assert (subdivision.kpp, branch.name, branch.parent_id) == (
            "773045001",
            "Филиал в Твери",
            profile.organization_id,
        )
        assert session.scalar(select(OrganizationDraft)) is None
        organization_id = profile.organization_id
    page = client.get(tenant_path(tenant, f"/dmdk/organizations/{organization_id}")).get_data(as_text=True)
    assert "АО «Северное сияние»" in page and "Филиал в Твери" in page and "Employees and roles" in page
    # the same organization cannot be registered twice
    second = client.get(tenant_path(tenant, "/dmdk/organization/wizard/find"))  # no second organization
    assert second.status_code == 200 and "You already belong to an organization" in second.get_data(as_text=True)


def test_the_profile_is_edited_through_the_same_wizard(app, head):
    tenant, _user, client = head("dm-edit")
    fill_wizard(client, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        organization_id = session.scalar(select(OrganizationProfile.organization_id))
    profile_url = tenant_path(tenant, f"/dmdk/organizations/{organization_id}")
    response = client.submit(tenant_path(tenant, f"/dmdk/organizations/{organization_id}/edit"), form_url=profile_url)
    assert response.headers["Location"].endswith("/wizard/contacts")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="office@north.example"' in page
    assert step(client, tenant, "contacts", {**CONTACTS, "phone": "+7 495 000-00-00"}).status_code == 302
    assert step(client, tenant, "subdivisions", {"action": "remove", "index": "0"}).status_code == 302
    assert step(client, tenant, "confirm").status_code == 302
    with app.app_context(), tenant_scope(tenant.id):
        profile = session.scalar(select(OrganizationProfile))
        assert profile.data["contacts"]["phone"] == "+7 495 000-00-00"
        assert profile.data["subdivisions"] == []
        assert session.scalar(select(Subdivision)) is None
        assert session.scalar(select(OrganizationDraft)) is None


def test_russian_wizard_pages_have_no_wide_tables(head):
    tenant, _user, client = head("dm-ru", locale="ru")
    step(client, tenant, "find", {"number": NORTH["ogrn"]})
    for code, word in (
        ("contacts", "Категория заявителя"),
        ("activities", "Основной вид деятельности"),
        ("head", "Физическое лицо"),
        ("realty", "нежилого назначения"),
        ("subdivisions", "КПП"),
        ("beneficiaries", "Дата рождения"),
        ("confirm", "Зарегистрировать"),
    ):
        page = client.get(tenant_path(tenant, f"/dmdk/organization/wizard/{code}")).get_data(as_text=True)
        assert word in page, code
        assert "<table" not in page
    response = step(client, tenant, "activities", {"main": "32.12", "auxiliary": "46.48\n47.77\n24.41"})
    assert "Не больше двух вспомогательных" in response.get_data(as_text=True)
