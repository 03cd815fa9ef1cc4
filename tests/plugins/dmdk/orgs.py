"""Helpers of the organization and employee tests: a dmdk tenant, a head bound to an organization's certificate,
the wizard filled step by step through the pages."""

from __future__ import annotations

from core.api import session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.models import CertificateHolder

# From the shipped sample register (plugins/dmdk/registry/data/sample_registry.json)
NORTH = {"inn": "7730802306", "ogrn": "1237702531571", "name": "АО «Северное сияние»"}
NEVA = {"inn": "7854645335", "ogrn": "1237855348631", "name": "ООО «Невский ювелир»"}
LEBEDEV = {"inn": "509770807192", "ogrn": "321509739741906", "name": "ИП Лебедев И. М."}

CONTACTS = {
    "email": "office@north.example",
    "phone": "+7 495 123-45-67",
    "category": "processor",
    "postal_same": "y",
}
ACTIVITIES = {"main": "32.12", "auxiliary": "46.48\n47.77", "other": "24.41\n96.09"}
HEAD_PERSON = {
    "kind": "person",
    "full_name": "Петров Пётр Петрович",
    "birth_date": "1970-05-01",
    "id_document": "Паспорт 4500 123456",
    "registration_address": "г. Москва, ул. Лесная, д. 5, кв. 1",
    "actual_address": "г. Москва, ул. Лесная, д. 5, кв. 1",
}
SUBDIVISION = {
    "action": "add",
    "name": "Филиал в Твери",
    "kind": "branch",
    "kpp": "773045001",
    "address": "г. Тверь, ул. Советская, д. 1",
    "okved": "47.77",
}
BENEFICIARY = {
    "action": "add",
    "full_name": "Петров Пётр Петрович",
    "birth_date": "1970-05-01",
    "id_document": "Паспорт 4500 123456",
    "registration_address": "г. Москва",
    "actual_address": "г. Москва",
    "active": "y",
}


def bind_certificate(app, tenant, user, organization_inn: str | None, inn: str | None = None) -> None:
    """``user`` logged in last with a certificate of the organization ``organization_inn``."""
    with app.app_context(), tenant_scope(tenant.id):
        session.add(CertificateHolder(user_id=user.id, snils=None, inn=inn, organization_inn=organization_inn))
        session.commit()


def step(client, tenant, code: str, data: dict | None = None):
    """POST one wizard step (``data``) and return the response."""
    url = tenant_path(tenant, f"/dmdk/organization/wizard/{code}")
    return client.submit(url, data or {})


def fill_wizard(client, tenant, number: str = NORTH["ogrn"]) -> None:
    """Every step, each answered validly; the organization is registered at the end."""
    for code, data in (
        ("find", {"number": number}),
        ("contacts", CONTACTS),
        ("activities", ACTIVITIES),
        ("head", HEAD_PERSON),
        ("realty", {"addresses": "г. Москва, ул. Лесная, д. 5, пом. 2"}),
        ("subdivisions", SUBDIVISION),
        ("subdivisions", {"action": "next"}),
        ("beneficiaries", BENEFICIARY),
        ("beneficiaries", {"action": "next"}),
        ("confirm", {}),
    ):
        response = step(client, tenant, code, data)
        assert response.status_code == 302, (code, response.get_data(as_text=True)[-3000:])
