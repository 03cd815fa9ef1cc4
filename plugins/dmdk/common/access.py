"""Opening an organization's page: it must be a registered organization of this tenant in which the visitor holds
the page's permission — otherwise 404, so another organization's (or tenant's) objects are not even confirmed.

:func:`organization_scope` does it for a route before anything else (the API's body is read after it, so a foreign
id answers 404, never 422): the path's ``organization_id`` becomes ``organization`` and each ``<name>_id`` of an
object of that organization becomes ``<name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import select

from core.api import Organization, current_principal, get_or_404, has_permission, session
from plugins.dmdk.models import OrganizationProfile

F = TypeVar("F", bound=Callable[..., Any])

ORGANIZATION_PATH = "/organizations/<int:organization_id>"


def organization_or_404(organization_id: int, permission: str) -> tuple[Organization, OrganizationProfile]:
    """The registered organization ``organization_id`` and its profile, when the visitor holds ``permission`` there."""
    organization = get_or_404(Organization, organization_id)
    profile = session.scalar(select(OrganizationProfile).where(OrganizationProfile.organization_id == organization.id))
    if profile is None or not has_permission(current_principal(), permission, organization.id):
        abort(404)
    return organization, profile


def owned_or_404(model: type, object_id: int, organization_id: int) -> Any:
    """Row ``object_id`` of ``model`` when it belongs to organization ``organization_id``; otherwise 404."""
    row = get_or_404(model, object_id)
    if row.organization_id != organization_id:
        abort(404)
    return row


def organization_scope(permission: str, **objects: type) -> Callable[[F], F]:
    """Resolve the path's organization (``permission`` held there) and its objects before the view runs.

    The view gets ``organization`` instead of ``organization_id`` and, for each ``name=Model``, the row as ``name``
    instead of ``name_id``: ``@organization_scope(WORK_APPLICATIONS, document=Document)``.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def scoped(*args: Any, **kwargs: Any) -> Any:
            organization, _profile = organization_or_404(kwargs.pop("organization_id"), permission)
            for name, model in objects.items():
                kwargs[name] = owned_or_404(model, kwargs.pop(f"{name}_id"), organization.id)
            return view(*args, organization=organization, **kwargs)

        return scoped  # type: ignore[return-value]

    return decorate


def organization_parameter() -> list[dict[str, str]]:
    """The OpenAPI description of the path's ``organization_id`` (pass as ``parameters=`` to a route)."""
    return [
        {
            "in": "path",
            "name": "organization_id",
            "description": "your organization (GET /api/v1/dmdk/organization gives it); another one answers 404",
        }
    ]
