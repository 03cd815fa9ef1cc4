"""Schemas of the core API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.identity.identifiers import MAX_LOGIN_LENGTH
from core.identity.passwords import MAX_PASSWORD_LENGTH


class LoginRequestSchema(Schema):
    login = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_LOGIN_LENGTH),
        metadata={"description": "contract number, e-mail or account number"},
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH))


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "send as Authorization: Bearer <token>"})
    expires_at = fields.DateTime(required=True)


class MeSchema(Schema):
    id = fields.Integer()
    login = fields.String()
    full_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String()
    status = fields.String()
    roles = fields.List(fields.String())
    permissions = fields.List(fields.String())


class LinkSchema(Schema):
    title = fields.String()
    url = fields.String()


class ContactsSchema(Schema):
    hotline = fields.List(fields.String())
    support_email = fields.String()
    chat_url = fields.String()
    feedback_url = fields.String()
    address = fields.String()
    office_hours = fields.String()
    links = fields.List(fields.Nested(LinkSchema))


class BrandingSchema(Schema):
    primary_color = fields.String()
    accent_color = fields.String()
    tagline = fields.String()
    logo_url = fields.String(allow_none=True)


class TenantInfoSchema(Schema):
    slug = fields.String()
    name = fields.String()
    locale = fields.String()
    timezone = fields.String()
    login_identifier = fields.String()
    branding = fields.Nested(BrandingSchema)
    contacts = fields.Nested(ContactsSchema)
    plugins = fields.List(fields.String())


class ErrorSchema(Schema):
    code = fields.Integer()
    message = fields.String()
    errors = fields.Dict()
