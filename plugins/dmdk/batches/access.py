"""Opening a batch or a specification: the organization in the path must be one where the visitor holds the
batch operations role (``dmdk.batches.work``), and the object must be that organization's — otherwise 404, on a
page and in the API alike, so another organization's (or tenant's) objects are not even confirmed."""

from __future__ import annotations

from flask import abort

from core.api import MAX_ID, Organization
from plugins.dmdk.batches import service, transfers
from plugins.dmdk.batches.models import Batch, Specification
from plugins.dmdk.common.access import organization_or_404
from plugins.dmdk.employees.roles import WORK_BATCHES


def batches_organization_or_404(organization_id: int) -> Organization:
    """The organization ``organization_id`` when the visitor works with its batches."""
    organization, _profile = organization_or_404(organization_id, WORK_BATCHES)
    return organization


def batch_or_404(organization_id: int, batch_id: int) -> tuple[Organization, Batch]:
    """The organization and its batch ``batch_id``."""
    organization = batches_organization_or_404(organization_id)
    batch = service.batch_of(organization.id, batch_id) if 0 < batch_id <= MAX_ID else None
    if batch is None:
        abort(404)
    return organization, batch


def specification_or_404(organization_id: int, specification_id: int) -> tuple[Organization, Specification]:
    """The organization and specification ``specification_id`` it sends or receives."""
    organization = batches_organization_or_404(organization_id)
    spec = transfers.specification_of(organization.id, specification_id) if 0 < specification_id <= MAX_ID else None
    if spec is None:
        abort(404)
    return organization, spec
