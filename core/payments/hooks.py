"""How payments plug into core, like a plugin: the settings namespaces (``payments.*``), the job that
imports registries uploaded on the admin page, and the payment agent's endpoint."""

from __future__ import annotations

from flask import Blueprint

from core.payments.settings import NAMESPACES
from core.payments.uploads import IMPORT_JOB_NAME, import_queued
from core.plugins.markers import hookimpl
from core.plugins.types import Job
from core.settings.types import SettingsNamespace

#: The job's name, for ``abonent jobs run`` and the tests.
IMPORT_JOB = IMPORT_JOB_NAME


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The payment agent's endpoint (``/payments/agent/osmp``), on for every tenant that configures it."""
    from core.payments.agent.views import blueprint

    return [blueprint]


@hookimpl
def register_jobs() -> list[Job]:
    """Registry uploads waiting for import are taken every few seconds."""
    return [Job(IMPORT_JOB, import_queued, every_seconds=5)]


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    """The payment gateway's settings (PayKeeper address and secret, sandbox)."""
    return list(NAMESPACES)
