"""The tenant's registration policy: the ``housing.registration`` settings namespace.

``flat_proof`` says what proves a flat: ``flat_number`` (its number exactly as printed on the latest payment
document, the seed's way) or ``last_bill`` (the stronger: the sum of the last bill and its month). Set it in
the tenant file under ``[settings."housing.registration"]``.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from core.api import N_, SettingsNamespace, get_settings

NAMESPACE = "housing.registration"
FLAT_NUMBER = "flat_number"
LAST_BILL = "last_bill"


class RegistrationSettings(Schema):
    """What proves that a resident lives in the flat of a personal account."""

    class Meta:
        unknown = RAISE

    flat_proof = fields.String(
        load_default=FLAT_NUMBER,
        validate=validate.OneOf(
            [FLAT_NUMBER, LAST_BILL],
            labels=[
                N_("The flat number as printed on the latest payment document"),
                N_("The sum of the last bill and its month"),
            ],
        ),
        metadata={"title": N_("What a resident gives to prove the flat")},
    )


SETTINGS = SettingsNamespace(NAMESPACE, RegistrationSettings)


def flat_proof() -> str:
    """The current tenant's proof policy: :data:`FLAT_NUMBER` or :data:`LAST_BILL`."""
    return get_settings(NAMESPACE).flat_proof
