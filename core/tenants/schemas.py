"""The shape of a tenant's definition (a TOML file in ``tenants/`` or the admin's settings form)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates, validates_schema

from core.i18n import N_
from core.mail.addresses import is_valid_email
from core.tenants import requisites
from core.tenants.login_policies import LOGIN_POLICIES
from core.tenants.resolution import SLUG_RE

COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="a colour like #1a2b3c")
_HTTP_URL = validate.URL(schemes={"http", "https"}, error="an http:// or https:// address")


def web_address(value: str) -> None:
    """Empty, or an http(s) address: never ``javascript:``, ``data:`` or another active scheme."""
    if value:
        _HTTP_URL(value)


HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BrandingSchema(_Strict):
    primary_color = fields.String(load_default="#1f5fa8", validate=COLOR, metadata={"title": N_("Main colour")})
    accent_color = fields.String(load_default="#f2a900", validate=COLOR, metadata={"title": N_("Accent colour")})
    logo = fields.String(load_default="")  # in files: a path relative to the file (PNG, JPEG, WebP or GIF)
    tagline = fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"title": N_("Tagline under the name")}
    )


class LinkSchema(_Strict):
    title = fields.String(required=True, validate=validate.Length(min=1, max=60))
    url = fields.Url(required=True, schemes={"http", "https"})


class LinkLine(fields.Field):
    """A contact link: a ``{title, url}`` table in tenant files, one ``title | url`` line in the settings form.

    It loads either shape into ``{"title": ..., "url": ...}`` (checked by :class:`LinkSchema`) and renders
    as the line, so the form shows the stored links in the shape it accepts back.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, dict):
            return f"{value.get('title', '')} | {value.get('url', '')}"
        return None if value is None else str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, str]:
        if isinstance(value, str):
            title, bar, url = value.rpartition("|")
            if not bar:
                raise ValidationError(N_("a link is written as: title | address"))
            value = {"title": title.strip(), "url": url.strip()}
        if not isinstance(value, dict):
            raise ValidationError(N_("a link is written as: title | address"))
        return LinkSchema().load(value)


class TownSchema(_Strict):
    """One town's contact centre: its name, phones, office address and hours."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    hotline = fields.List(fields.String(validate=validate.Length(min=3, max=40)), load_default=list)
    address = fields.String(load_default="", validate=validate.Length(max=300))
    office_hours = fields.String(load_default="", validate=validate.Length(max=200))


class TownLine(fields.Field):
    """A town's contact centre: a ``[[contacts.towns]]`` table in tenant files, one line in the settings form:
    ``town | phone, phone | office address | hours`` (everything after the town may be left out).

    Loads either shape into a :class:`TownSchema` dict and renders as the line, like :class:`LinkLine`.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, dict):
            parts = [value.get("name", ""), ", ".join(value.get("hotline", [])), value.get("address", "")]
            parts.append(value.get("office_hours", ""))
            return " | ".join(parts).rstrip(" |")
        return None if value is None else str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Any]:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split("|")]
            if len(parts) > 4:
                raise ValidationError(N_("a town is written as: town | phones | address | hours"))
            parts += [""] * (4 - len(parts))
            phones = [phone.strip() for phone in parts[1].split(",") if phone.strip()]
            value = {"name": parts[0], "hotline": phones, "address": parts[2], "office_hours": parts[3]}
        if not isinstance(value, dict):
            raise ValidationError(N_("a town is written as: town | phones | address | hours"))
        return TownSchema().load(value)


class ContactsSchema(_Strict):
    hotline = fields.List(
        fields.String(validate=validate.Length(min=3, max=40)),
        load_default=list,
        metadata={"title": N_("Hotline phones (one per line)")},
    )
    support_email = fields.String(load_default="", metadata={"title": N_("Support e-mail")})
    chat_url = fields.String(
        load_default="", validate=[validate.Length(max=300), web_address], metadata={"title": N_("Chat address")}
    )
    feedback_url = fields.String(
        load_default="",
        validate=[validate.Length(max=300), web_address],
        metadata={"title": N_("Feedback form address")},
    )
    address = fields.String(
        load_default="", validate=validate.Length(max=300), metadata={"title": N_("Office address")}
    )
    office_hours = fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"title": N_("Office hours")}
    )
    links = fields.List(
        LinkLine(),
        load_default=list,
        metadata={
            "title": N_("Links"),
            "description": N_("One link per line: title | address, e.g. Tariffs | https://isp.example/tariffs"),
        },
    )
    towns = fields.List(
        TownLine(),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={
            "title": N_("Towns"),
            "description": N_(
                "A contact centre per town, one per line: town | phones | address | hours, "
                "e.g. Chelyabinsk | +7 351 255-57-24 | 1 Main St. | 9:00–18:00"
            ),
        },
    )

    @validates("towns")
    def _distinct_towns(self, value: list, **_kw) -> None:
        # Runs on what loaded even when some lines were refused: those lines have no name.
        names = [str(town.get("name", "")).casefold() for town in value if isinstance(town, dict) and town.get("name")]
        if len(names) != len(set(names)):
            raise ValidationError(N_("each town once"))

    @validates("support_email")
    def _email(self, value: str, **_kw) -> None:
        if value and not is_valid_email(value):
            raise ValidationError("not an e-mail address")


class LegalSchema(_Strict):
    full_name = fields.String(load_default="", metadata={"title": N_("Company's full name")})
    short_name = fields.String(load_default="", metadata={"title": N_("Company's short name")})
    inn = fields.String(load_default="", metadata={"title": N_("INN")})
    kpp = fields.String(load_default="", metadata={"title": N_("KPP")})
    ogrn = fields.String(load_default="", metadata={"title": N_("OGRN")})
    address = fields.String(load_default="", metadata={"title": N_("Legal address")})

    @validates_schema
    def _numbers(self, data: dict, **_kw) -> None:
        errors = {}
        if data.get("inn") and not requisites.inn_is_valid(data["inn"]):
            errors["inn"] = ["INN check digits do not match"]
        if data.get("kpp") and not requisites.kpp_is_valid(data["kpp"]):
            errors["kpp"] = ["KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits"]
        if data.get("ogrn") and not requisites.ogrn_is_valid(data["ogrn"]):
            errors["ogrn"] = ["OGRN check digit does not match"]
        if errors:
            raise ValidationError(errors)


class BankSchema(_Strict):
    bank_name = fields.String(load_default="", metadata={"title": N_("Bank")})
    bic = fields.String(load_default="", metadata={"title": N_("BIC")})
    account = fields.String(load_default="", metadata={"title": N_("Settlement account")})
    corr_account = fields.String(load_default="", metadata={"title": N_("Correspondent account")})

    @validates_schema
    def _numbers(self, data: dict, **_kw) -> None:
        errors = {}
        bic = data.get("bic", "")
        if bic and not requisites.bic_is_valid(bic):
            errors["bic"] = ["BIC must be 9 digits starting with 04"]
        elif data.get("account") and not requisites.settlement_account_is_valid(data["account"], bic):
            errors["account"] = ["the account's key digit does not match the BIC"]
        if (
            bic
            and data.get("corr_account")
            and not requisites.correspondent_account_is_valid(data["corr_account"], bic)
        ):
            errors["corr_account"] = ["the correspondent account does not match the BIC"]
        if errors:
            raise ValidationError(errors)


class PluginEntrySchema(_Strict):
    enabled = fields.Boolean(load_default=True)
    settings = fields.Dict(keys=fields.String(), load_default=dict)


class DemoUserSchema(_Strict):
    login = fields.String(required=True)
    password = fields.String(required=True)
    full_name = fields.String(load_default="")
    email = fields.String(load_default=None, allow_none=True)
    roles = fields.List(fields.String(), load_default=lambda: ["subscriber"])


class DemoAccountSchema(_Strict):
    number = fields.String(required=True)
    holder_name = fields.String(load_default="")
    holder_kind = fields.String(load_default="individual", validate=validate.OneOf(["individual", "legal"]))
    address = fields.String(load_default="")
    users = fields.List(fields.String(), load_default=list)
    monthly_payment = fields.Integer(load_default=0, metadata={"description": "kopecks paid each past month"})
    monthly_charge = fields.Integer(load_default=0, metadata={"description": "kopecks charged each past month"})
    service = fields.String(load_default="internet")


class DemoSchema(_Strict):
    users = fields.List(fields.Nested(DemoUserSchema), load_default=list)
    accounts = fields.List(fields.Nested(DemoAccountSchema), load_default=list)
    # Each enabled plugin's own demo data, handed to its ``load_demo_data`` hook as written.
    plugins = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)


class TenantFileSchema(_Strict):
    """One tenant file. ``demo`` is read only by ``abonent demo``."""

    slug = fields.String(required=True, validate=validate.Regexp(SLUG_RE, error="lowercase letters, digits, '-'"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="active", validate=validate.OneOf(["active", "suspended"]))
    locale = fields.String(load_default="ru", validate=validate.OneOf(["ru", "en"]))
    timezone = fields.String(load_default="Europe/Moscow")
    login_identifier = fields.String(load_default="email", validate=validate.OneOf(LOGIN_POLICIES))
    password_reset = fields.String(load_default="link", validate=validate.OneOf(["link", "new_password"]))
    domains = fields.List(fields.String(), load_default=list)
    branding = fields.Nested(BrandingSchema, load_default=lambda: BrandingSchema().load({}))
    contacts = fields.Nested(ContactsSchema, load_default=lambda: ContactsSchema().load({}))
    legal = fields.Nested(LegalSchema, load_default=lambda: LegalSchema().load({}))
    bank = fields.Nested(BankSchema, load_default=lambda: BankSchema().load({}))
    plugins = fields.Dict(keys=fields.String(), values=fields.Nested(PluginEntrySchema), load_default=dict)
    settings = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)
    demo = fields.Nested(DemoSchema, load_default=lambda: DemoSchema().load({}))

    @validates("timezone")
    def _tz(self, value: str, **_kw) -> None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError("unknown time zone") from None

    @validates("domains")
    def _domains(self, value: list[str], **_kw) -> None:
        bad = [host for host in value if not HOST.match(host)]
        if bad:
            raise ValidationError(f"not host names: {', '.join(bad)}")
