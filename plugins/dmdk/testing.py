"""The dmdk plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from typing import Any

from core.api import Organization, User, session
from plugins.dmdk.batches import service as batches
from plugins.dmdk.batches import transfers
from plugins.dmdk.employees.roles import ROLE_CODES
from plugins.dmdk.employees.service import join, set_roles
from plugins.dmdk.models import OrganizationProfile

RECEIVER_INN = "7701001238"


def _receiver() -> Organization:
    """Another registered organization of the tenant (the receiver of the world's specification)."""
    organization = Organization(name="АО «Приёмка»")
    session.add(organization)
    session.flush()
    session.add(
        OrganizationProfile(
            organization_id=organization.id,
            kind="legal",
            inn=RECEIVER_INN,
            ogrn="1027700000001",
            kpp="770101001",
            full_name="Акционерное общество «Приёмка»",
            data={},
        )
    )
    session.flush()
    return organization


def _batch(organization_id: int, name: str) -> int:
    data = batches.BatchInput(kind="product", name=name, metal="gold", fineness=5850, weight_mg=3250, count=1)
    return batches.create(None, organization_id, data, register=True).id


def populate(site: Any) -> dict[str, int]:
    """A registered organization administered by every user of the site (its pages are the organization's, so
    each role the route suites log in as must belong to it): ``organization_id``; the wizard's first step; a
    registered batch of it (``batch_id``) and its draft specification of another batch for a second organization
    (``specification_id``)."""
    organization = Organization(name="ООО «Проба»")
    session.add(organization)
    session.flush()
    session.add(
        OrganizationProfile(
            organization_id=organization.id,
            kind="legal",
            inn="7707083893",
            ogrn="1027700132195",
            kpp="773601001",
            full_name="Общество с ограниченной ответственностью «Проба»",
            data={"record": {"legal_address": "г. Москва, ул. Пробная, 1"}},
        )
    )
    for user in (*site.users.values(), site.everyone):
        head = session.get(User, user.id)
        join(head, organization.id)
        set_roles(head, head, organization.id, set(ROLE_CODES))
    session.flush()
    site.values["step_code"] = "find"
    _receiver()
    batch_id = _batch(organization.id, "Кольцо обручальное")
    sent_batch = _batch(organization.id, "Серьги")
    head = session.get(User, site.everyone.id)
    spec = transfers.create(head, organization.id, RECEIVER_INN, [sent_batch])
    return {"organization_id": organization.id, "batch_id": batch_id, "specification_id": spec.id}
