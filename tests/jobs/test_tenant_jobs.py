"""Per-tenant jobs are run by core: once per tenant with the plugin, in its scope, a failure isolated to its tenant."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.cli.main import cli
from core.db import cross_tenant, session
from core.jobs.registry import run_job
from tests.jobs import tenant_job_plugin


@pytest.fixture
def app_plugins():
    return [tenant_job_plugin]


@pytest.fixture
def tenants(make_tenant, enable_plugin):
    made = {slug: make_tenant(slug) for slug in ("alpha", "broken", "gamma", "without")}
    for slug in ("alpha", "broken", "gamma"):
        enable_plugin(made[slug], "tickjob")
    return made


def _ticks(app) -> dict[int, int]:
    with app.app_context(), cross_tenant():
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "tick")).all()
        counts: dict[int, int] = {}
        for row in rows:
            counts[row.tenant_id] = counts.get(row.tenant_id, 0) + 1
        return counts


def test_the_job_runs_for_each_tenant_with_the_plugin_and_a_failure_stays_in_its_tenant(app, tenants):
    results = run_job(app, "tickjob.tick")
    assert results == {"alpha": {"ticked": 1}, "broken": "failed", "gamma": {"ticked": 1}}
    ticks = _ticks(app)
    assert ticks == {tenants["alpha"].id: 1, tenants["gamma"].id: 1}  # broken rolled back, without never ran


def test_the_command_runs_one_tenant_and_says_when_a_tenant_failed(app, tenants):
    def invoke(args):
        return CliRunner().invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))

    one = invoke(["jobs", "run", "tickjob.tick", "--tenant", "gamma"])
    assert one.exit_code == 0, one.output
    assert "tickjob.tick [gamma]" in one.output and "alpha" not in one.output
    everyone = invoke(["jobs", "run", "tickjob.tick"])
    assert everyone.exit_code != 0
    assert "[alpha]" in everyone.output and "[broken]: failed" in everyone.output
    unknown = invoke(["jobs", "run", "tickjob.tick", "--tenant", "without"])
    assert unknown.exit_code != 0 and "has not enabled it" in unknown.output
    listing = invoke(["jobs", "list"])
    assert "for each tenant with tickjob" in listing.output
