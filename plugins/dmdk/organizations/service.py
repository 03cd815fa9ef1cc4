"""Registering (or updating) an organization from a finished wizard draft.

"Register" makes the head — the certificate-logged-in person who filled the wizard — the organization's
administrator: core's ``Organization`` row, the dmdk profile, one child ``Organization`` per subdivision (its own
KPP), the head as an employee holding the ``dmdk_org_admin`` role there.
"""

from __future__ import annotations

from sqlalchemy import select

from core.api import Organization, User, audit, session
from plugins.dmdk.employees import service as employees
from plugins.dmdk.employees.roles import ADMIN
from plugins.dmdk.models import Employee, OrganizationDraft, OrganizationProfile, Subdivision
from plugins.dmdk.organizations.wizard import PROFILE_STEPS, record_of


def profile_of(organization_id: int) -> OrganizationProfile | None:
    return session.scalar(select(OrganizationProfile).where(OrganizationProfile.organization_id == organization_id))


def subdivisions_of(organization_id: int) -> list[tuple[Subdivision, Organization]]:
    """The organization's subdivisions with their core rows, by name."""
    rows = session.execute(
        select(Subdivision, Organization)
        .join(Organization, Organization.id == Subdivision.organization_id)
        .where(Subdivision.parent_id == organization_id)
        .order_by(Organization.name, Subdivision.id)
    )
    return [(subdivision, organization) for subdivision, organization in rows]


def _sync_subdivisions(organization: Organization, items: list[dict]) -> None:
    """Make the subdivisions match the draft's list (matched by KPP); one that has employees is kept."""
    existing = {subdivision.kpp: (subdivision, core_row) for subdivision, core_row in subdivisions_of(organization.id)}
    wanted = {item["kpp"]: item for item in items}
    for kpp, item in wanted.items():
        if kpp in existing:
            subdivision, core_row = existing[kpp]
        else:
            core_row = Organization(name=item["name"], parent_id=organization.id)
            session.add(core_row)
            session.flush()
            subdivision = Subdivision(organization_id=core_row.id, parent_id=organization.id, kpp=kpp)
            session.add(subdivision)
        core_row.name = item["name"]
        subdivision.kind = item["kind"]
        subdivision.address = item["address"]
    for kpp, (subdivision, core_row) in existing.items():
        staffed = session.scalar(select(Employee.id).where(Employee.organization_id == core_row.id).limit(1))
        if kpp not in wanted and staffed is None:
            session.delete(subdivision)
            session.flush()  # the profile row first: the core row's deletion would cascade to it
            session.delete(core_row)


def register(user: User, draft: OrganizationDraft) -> Organization:
    """Register the draft's organization (or save the edited one) and drop the draft. The caller commits."""
    record = record_of(draft)
    assert record is not None
    data = {code: draft.steps[code] for code in PROFILE_STEPS if code in draft.steps}
    data["record"] = draft.steps["record"]
    if draft.organization_id is None:
        organization = Organization(name=record.short_name)
        session.add(organization)
        session.flush()
        profile = OrganizationProfile(
            organization_id=organization.id,
            kind=record.kind,
            inn=record.inn,
            ogrn=record.ogrn,
            kpp=record.kpp,
            full_name=record.full_name,
            data=data,
        )
        session.add(profile)
        session.flush()
        audit("dmdk.organization.register", "organization", organization.id, None, {"inn": record.inn})
        employees.join(user, organization.id)
        employees.set_roles(user, user, organization.id, {ADMIN})
    else:
        organization = session.get(Organization, draft.organization_id)
        profile = profile_of(organization.id)
        before = dict(profile.data)
        profile.data = data
        audit("dmdk.organization.update", "organization", organization.id, before, data)
    _sync_subdivisions(organization, data.get("subdivisions", []))
    session.delete(draft)
    session.flush()
    return organization
