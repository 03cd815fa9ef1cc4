"""Running a :class:`~core.plugins.types.TenantJob`: once per tenant, each in its own scope and transaction."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from core.db import session, tenant_scope
from core.plugins.enablement import tenants_with_plugin
from core.plugins.types import TenantJob
from core.tenants.models import Tenant

log = logging.getLogger(__name__)

#: What the result shows for a tenant whose run raised (the error itself is in the log).
FAILED = "failed"


def run_for_tenant(job: TenantJob, tenant: Tenant, now: datetime) -> Any:
    """Run ``job`` for one tenant inside its scope; commit on success, roll back and re-raise on failure."""
    with tenant_scope(tenant.id):
        try:
            result = job.run(tenant, now)
            session.commit()
        except Exception:
            session.rollback()
            raise
    return result


def run_for_each_tenant(job: TenantJob, now: datetime, only: str | None = None) -> dict[str, Any]:
    """Run ``job`` for every active tenant with its plugin enabled (or only the tenant with slug ``only``).

    Returns each tenant's result by slug; a tenant whose run failed shows :data:`FAILED` and the others go on.
    """
    results: dict[str, Any] = {}
    for tenant in tenants_with_plugin(job.plugin):
        if only is not None and tenant.slug != only:
            continue
        slug = tenant.slug
        try:
            results[slug] = run_for_tenant(job, tenant, now)
        except Exception:
            log.exception("job %s failed for tenant %s", job.name, slug)
            results[slug] = FAILED
    return results
