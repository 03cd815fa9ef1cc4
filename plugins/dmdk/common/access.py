"""Opening an organization's page: it must be a registered organization of this tenant in which the visitor holds
the page's permission — otherwise 404, so another organization's (or tenant's) objects are not even confirmed."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from core.api import Organization, current_principal, get_or_404, has_permission, session
from plugins.dmdk.models import OrganizationProfile


def organization_or_404(organization_id: int, permission: str) -> tuple[Organization, OrganizationProfile]:
    """The registered organization ``organization_id`` and its profile, when the visitor holds ``permission`` there."""
    organization = get_or_404(Organization, organization_id)
    profile = session.scalar(select(OrganizationProfile).where(OrganizationProfile.organization_id == organization.id))
    if profile is None or not has_permission(current_principal(), permission, organization.id):
        abort(404)
    return organization, profile
