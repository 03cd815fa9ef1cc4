"""Site settings: branding, contacts, legal and bank details (checked like tenant files), logo."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.access.guard import require
from core.audit.service import record as audit
from core.console.blueprint import blueprint
from core.console.forms import EmptyForm
from core.console.schema_form import form_fields, raw_from_form
from core.db import session
from core.payments.paykeeper import SETTINGS as PAYKEEPER
from core.settings.service import SettingsError, get_settings, save_settings, schema_for
from core.tenants.logo import LOGO_MAX_BYTES, logo_type
from core.tenants.schemas import BankSchema, BrandingSchema, ContactsSchema, LegalSchema
from core.tenants.urls import external_url

SECTIONS = {
    "branding": BrandingSchema,
    "contacts": ContactsSchema,
    "legal": LegalSchema,
    "bank": BankSchema,
}


def _sections(values: dict[str, dict]) -> dict:
    return {
        name: form_fields(
            schema(exclude=("logo",)) if name == "branding" else schema(), values.get(name, {}), f"{name}."
        )
        for name, schema in SECTIONS.items()
    }


@blueprint.route("/settings", methods=["GET", "POST"])
@require("tenant.settings")
def settings():
    tenant = g.tenant
    current = {name: dict(getattr(tenant, name) or {}) for name in SECTIONS}
    errors: dict = {}
    status = 200
    if request.method == "POST" and EmptyForm().validate_on_submit():
        loaded: dict[str, dict] = {}
        submitted: dict[str, dict] = {}
        for name, schema_cls in SECTIONS.items():
            schema = schema_cls(exclude=("logo",)) if name == "branding" else schema_cls()
            raw = raw_from_form(schema, f"{name}.")
            submitted[name] = raw
            try:
                loaded[name] = schema.load(raw)
            except ValidationError as error:
                errors[name] = error.messages_dict
        upload = request.files.get("logo")
        logo = upload.read(LOGO_MAX_BYTES + 1) if upload and upload.filename else None
        logo_mime = logo_type(logo) if logo else None
        if logo is not None and (len(logo) > LOGO_MAX_BYTES or logo_mime is None):
            errors["logo"] = [_("The logo must be a PNG, JPEG, WebP or GIF image of at most 512 KB.")]
        if errors:
            current, status = {**current, **submitted}, 400
        else:
            before = {name: current[name] for name in SECTIONS}
            for name in SECTIONS:
                if name == "branding":
                    loaded[name]["logo"] = current["branding"].get("logo", "")
                setattr(tenant, name, loaded[name])
            if logo is not None:
                tenant.logo, tenant.logo_mime = logo, logo_mime
            audit("tenant.settings", "tenant", tenant.slug, before, loaded)
            session.commit()
            flash(_("Settings saved."), "info")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", sections=_sections(current), errors=errors, form=EmptyForm()), status


@blueprint.route("/settings/payments", methods=["GET", "POST"])
@require("tenant.settings")
def payment_settings():
    """PayKeeper card payments: the address and the notification secret (write-only: never shown back)."""
    schema = schema_for(PAYKEEPER)
    values = get_settings(PAYKEEPER)
    errors: dict = {}
    status = 200
    if request.method == "POST" and EmptyForm().validate_on_submit():
        raw = raw_from_form(schema)
        try:
            save_settings(PAYKEEPER, raw)  # an empty secret keeps the stored one; the audit sees it redacted
        except SettingsError as error:
            session.rollback()
            errors, values, status = error.messages, {**values, **raw, "secret": values["secret"]}, 400
        else:
            session.commit()
            flash(_("Settings saved."), "info")
            return redirect(url_for("admin.payment_settings"))
    return render_template(
        "admin/payment_settings.html",
        fields=form_fields(schema, values),
        errors=errors,
        notify_url=external_url(g.tenant, "gateway.paykeeper_notify"),
        form=EmptyForm(),
    ), status
