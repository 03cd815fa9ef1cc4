"""The dmdk plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from typing import Any

from core.api import Organization, User, session
from plugins.dmdk.employees.roles import ROLE_CODES
from plugins.dmdk.employees.service import join, set_roles
from plugins.dmdk.models import OrganizationProfile


def populate(site: Any) -> dict[str, int]:
    """A registered organization administered by every user of the site (its pages are the organization's, so
    each role the route suites log in as must belong to it): ``organization_id``; the wizard's first step."""
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
    return {"organization_id": organization.id}
