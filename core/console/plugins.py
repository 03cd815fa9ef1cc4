"""Plugins: enable or disable for this tenant, and edit their settings (validated, field errors)."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from core.access.guard import require
from core.console.blueprint import blueprint
from core.console.forms import EmptyForm
from core.console.schema_form import form_fields, raw_from_form
from core.db import session
from core.plugins.enablement import PluginSettingsError, configure_plugin, disable_plugin, enable_plugin
from core.plugins.state import enabled_plugins, plugin_settings
from core.web.input import Text, join_messages, read_form


class ToggleInput(Schema):
    enabled = Text(1)


@blueprint.get("/plugins")
@require("plugins.manage")
def plugins():
    infos = current_app.plugins.infos
    return render_template(
        "admin/plugins.html",
        infos=[infos[name] for name in sorted(infos)],
        enabled=enabled_plugins(g.tenant),
        form=EmptyForm(),
    )


@blueprint.post("/plugins/<name>/toggle")
@require("plugins.manage")
def plugin_toggle(name: str):
    if name not in current_app.plugins.infos:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            if read_form(ToggleInput()).values.get("enabled") == "1":
                enable_plugin(g.tenant, name)
                message = _("Plugin enabled.")
            else:
                disable_plugin(g.tenant, name)
                message = _("Plugin disabled.")
        except PluginSettingsError as error:
            session.rollback()
            reasons = join_messages(error.messages)
            flash(_("The plugin's saved settings are not valid: %(errors)s", errors=reasons), "error")
        else:
            session.commit()
            flash(message, "info")
    return redirect(url_for("admin.plugins"))


@blueprint.route("/plugins/<name>", methods=["GET", "POST"])
@require("plugins.manage")
def plugin_settings_page(name: str):
    info = current_app.plugins.infos.get(name)
    if info is None:
        abort(404)
    schema = info.settings_schema() if info.settings_schema else None
    errors: dict = {}
    values = plugin_settings(g.tenant, name)
    status = 200
    if request.method == "POST" and schema is not None and EmptyForm().validate_on_submit():
        raw = raw_from_form(schema)
        try:
            configure_plugin(g.tenant, name, raw)
        except PluginSettingsError as error:
            session.rollback()
            errors, values, status = error.messages, {**values, **raw}, 400
        else:
            session.commit()
            flash(_("Settings saved."), "info")
            return redirect(url_for("admin.plugin_settings_page", name=name))
    return render_template(
        "admin/plugin_settings.html",
        info=info,
        fields=form_fields(schema, values) if schema else [],
        errors=errors,
        form=EmptyForm(),
    ), status
