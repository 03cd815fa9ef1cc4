"""Information exchange profiles in the API: ``/api/v1/dmdk/organizations/<organization_id>/exchange-profiles``.

``GET`` lists them, ``POST`` adds one (JSON: ``system_name``, ``system_code``, ``subdivision_id`` or null for the
organization itself, ``certificate`` — PEM text, or a DER file in base64); ``GET``/``POST``/``DELETE …/<id>`` read,
change (``certificate`` may be left out to keep the current one) and delete one. What is not a certificate answers
422 under ``certificate``; a code another profile of the organization has, 409 ``code_taken``. The organization's
administrator holds ``dmdk.exchange.manage``; anyone else, and another organization's profile, gets 404.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields

from core.api import (
    BEARER,
    Organization,
    RefusedSchema,
    require,
    session,
    utcnow,
)
from plugins.dmdk.common.access import ORGANIZATION_PATH, organization_parameter, organization_scope
from plugins.dmdk.common.blueprints import api
from plugins.dmdk.employees.roles import MANAGE_EXCHANGE
from plugins.dmdk.exchange import service
from plugins.dmdk.exchange.forms import CERTIFICATE_NEEDED, NOT_A_PLACE, ExchangeProfileForm
from plugins.dmdk.exchange.models import ExchangeProfile

PROFILES = ORGANIZATION_PATH + "/exchange-profiles"
ONE = PROFILES + "/<int:exchange_profile_id>"
NOT_FOUND = "not your organization (or you are not its administrator), or no such profile in it"


class DmdkCertificateSchema(Schema):
    subject = fields.String(metadata={"description": "the owner: common name and organization"})
    issuer = fields.String(metadata={"description": "the certification authority"})
    serial = fields.String(metadata={"description": "serial number, upper-case hex"})
    valid_from = fields.DateTime()
    valid_to = fields.DateTime()
    state = fields.String(metadata={"description": "valid, expired or not_yet_valid (now)"})
    pem = fields.String()


class DmdkExchangeProfileSchema(Schema):
    id = fields.Integer()
    subdivision_id = fields.Integer(allow_none=True, metadata={"description": "null: the organization itself"})
    place = fields.String(metadata={"description": "the organization's or the subdivision's name"})
    system_name = fields.String()
    system_code = fields.String()
    certificate = fields.Nested(DmdkCertificateSchema)


class DmdkExchangeProfileInputSchema(ExchangeProfileForm):
    """A profile as the API takes it: the form's fields, ``certificate`` as PEM text or a base64 DER file."""


def dump_profile(profile: ExchangeProfile, places: dict[int | None, str]) -> dict[str, Any]:
    """One profile as the API shows it."""
    return {
        "id": profile.id,
        "subdivision_id": profile.subdivision_id,
        "place": places.get(profile.subdivision_id, ""),
        "system_name": profile.system_name,
        "system_code": profile.system_code,
        "certificate": {
            "subject": profile.subject,
            "issuer": profile.issuer,
            "serial": profile.serial,
            "valid_from": profile.valid_from,
            "valid_to": profile.valid_to,
            "state": service.state_of(profile, utcnow()),
            "pem": profile.certificate,
        },
    }


def _certificate(organization: Organization, values: dict, required: bool) -> service.CertificateFacts | None:
    if not service.is_place(organization, values.get("subdivision_id")):
        abort(422, messages={"subdivision_id": [_(NOT_A_PLACE)]})
    text = values.get("certificate", "")
    if not text.strip():
        if required:
            abort(422, messages={"certificate": [_(CERTIFICATE_NEEDED)]})
        return None
    try:
        return service.read_certificate(text)
    except service.CertificateRejected:
        abort(422, messages={"certificate": [_(service.NOT_A_CERTIFICATE)]})


def _save(organization: Organization, profile: ExchangeProfile | None, values: dict):
    facts = _certificate(organization, values, required=profile is None)
    saved = service.save(organization, profile, values, facts)
    session.commit()
    return dump_profile(saved, dict(service.places(organization)))


@api.get(PROFILES, parameters=organization_parameter())
@require()
@organization_scope(MANAGE_EXCHANGE)
@api.response(200, DmdkExchangeProfileSchema(many=True))
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_exchange_profiles(organization: Organization):
    """The profiles of the organization and its subdivisions, with what each certificate says."""
    places = dict(service.places(organization))
    return [dump_profile(profile, places) for profile in service.profiles_of(organization.id)]


@api.post(PROFILES, parameters=organization_parameter())
@require()
@organization_scope(MANAGE_EXCHANGE)
@api.arguments(DmdkExchangeProfileInputSchema)
@api.response(201, DmdkExchangeProfileSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: code_taken")
@api.doc(security=BEARER)
def add_exchange_profile(values: dict, organization: Organization):
    """Add a profile with its certificate (PEM text or base64 DER); not a certificate → 422 under ``certificate``."""
    return _save(organization, None, values)


@api.get(ONE, parameters=organization_parameter())
@require()
@organization_scope(MANAGE_EXCHANGE, exchange_profile=ExchangeProfile)
@api.response(200, DmdkExchangeProfileSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_exchange_profile(organization: Organization, exchange_profile: ExchangeProfile):
    """One profile with what its certificate says."""
    return dump_profile(exchange_profile, dict(service.places(organization)))


@api.post(ONE, parameters=organization_parameter())
@require()
@organization_scope(MANAGE_EXCHANGE, exchange_profile=ExchangeProfile)
@api.arguments(DmdkExchangeProfileInputSchema)
@api.response(200, DmdkExchangeProfileSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: code_taken")
@api.doc(security=BEARER)
def change_exchange_profile(values: dict, organization: Organization, exchange_profile: ExchangeProfile):
    """Change a profile; leave ``certificate`` out (or empty) to keep the current one."""
    return _save(organization, exchange_profile, values)


@api.delete(ONE, parameters=organization_parameter())
@require()
@organization_scope(MANAGE_EXCHANGE, exchange_profile=ExchangeProfile)
@api.response(204)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def delete_exchange_profile(organization: Organization, exchange_profile: ExchangeProfile):
    """Delete a profile."""
    service.remove(exchange_profile)
    session.commit()
    return "", 204
