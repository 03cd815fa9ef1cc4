"""The admin's page for the payment agent: credentials, allowed addresses, limits (the password write-only)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.access.guard import require
from core.console.blueprint import blueprint
from core.console.schema_form import form_fields
from core.db import session
from core.payments.agent.service import SETTINGS, registry_provider
from core.settings.service import SettingsError, get_settings, save_settings, schema_for
from core.tenants.urls import external_url
from core.web.input import form_values


@blueprint.route("/settings/payments/agent", methods=["GET", "POST"])
@require("tenant.settings")
def payment_agent_settings():
    """Payment agent (OSMP protocol) settings; saving is audited with the password redacted."""
    schema = schema_for(SETTINGS)
    values = get_settings(SETTINGS)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        raw = form_values(schema)
        try:
            save_settings(SETTINGS, raw)  # an empty password keeps the stored one
        except SettingsError as error:
            session.rollback()
            errors, values, status = error.messages, {**values, **raw, "password": ""}, 400
        else:
            session.commit()
            flash(_("Settings saved."), "info")
            return redirect(url_for("admin.payment_agent_settings"))
    return render_template(
        "admin/payment_agent_settings.html",
        fields=form_fields(schema, values),
        errors=errors,
        endpoint_url=external_url(g.tenant, "payment_agent.osmp"),
        provider=registry_provider(get_settings(SETTINGS)),
    ), status
