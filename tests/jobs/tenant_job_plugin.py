"""A test plugin with one per-tenant job: it audits a tick for its tenant and fails for the tenant "broken"."""

from core.api import PluginInfo, TenantJob, audit, current_tenant, hookimpl

plugin_info = PluginInfo(name="tickjob", version="0.1", title="Tick", description="Test plugin.")


def tick(tenant, now):
    assert current_tenant().id == tenant.id  # core runs it inside the tenant's scope
    audit("tick", "tenant", tenant.slug, None, {"at": now.isoformat()})
    if tenant.slug == "broken":
        raise RuntimeError("this tenant's data is broken")
    return {"ticked": 1}


@hookimpl
def register_jobs():
    return [TenantJob("tickjob.tick", "tickjob", tick, every_seconds=60)]
