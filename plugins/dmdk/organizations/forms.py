"""What each step of the organization wizard accepts (read with ``core.api.read_form``), with its rules in words."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.api import N_, Text
from plugins.dmdk.identifiers.checks import inn_problem, kpp_problem, ogrn_problem, okved_problem

MAX_AUXILIARY = 2
CATEGORIES = (
    ("producer", N_("Producer of precious metals or stones")),
    ("processor", N_("Processor (jewellery and other articles)")),
    ("trader", N_("Wholesale or retail trade")),
    ("pawnshop", N_("Pawnshop")),
    ("other", N_("Other")),
)
HEAD_KINDS = (
    ("person", N_("An individual")),
    ("legal", N_("A legal entity")),
    ("foreign", N_("A foreign organization")),
)
SUBDIVISION_KINDS = (
    ("branch", N_("Branch")),
    ("representative", N_("Representative office")),
    ("other", N_("Other separate subdivision")),
)
REQUIRED = N_("Fill this in.")


def _required(**kwargs: Any) -> fields.String:
    return fields.String(
        required=True, validate=validate.Length(max=500), error_messages={"required": REQUIRED}, **kwargs
    )


def _optional(max_length: int, pattern: str, error: str) -> fields.String:
    """An optional text field: empty, or matching ``pattern``."""
    return fields.String(
        load_default="", validate=[validate.Length(max=max_length), validate.Regexp(pattern, error=error)]
    )


def _check(problem) -> Any:
    def validator(value: str) -> None:
        reason = problem(value)
        if reason is not None:
            raise ValidationError(reason)

    return validator


def _one_code(value: str) -> None:
    if len(value.replace(",", " ").split()) != 1:
        raise ValidationError(N_("There is exactly one main activity: enter one code."))
    _check(okved_problem)(value)


class FindStep(Schema):
    """The OGRN/OGRNIP or INN to look the organization up by."""

    number = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^(\d{10}|\d{12}|\d{13}|\d{15})$",
            error=N_("Enter 13 digits of the OGRN, 15 of the OGRNIP, or 10 or 12 of the INN."),
        ),
        error_messages={"required": N_("Enter the OGRN, OGRNIP or INN.")},
    )


class ContactsStep(Schema):
    """E-mail, phone, fax, site, applicant category, postal address (or "same as the legal address")."""

    email = fields.Email(
        required=True, error_messages={"required": REQUIRED, "invalid": N_("Enter a valid e-mail address.")}
    )
    phone = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^\+?[\d\s()-]{5,25}$", error=N_("Enter a phone number: digits, spaces, brackets, hyphens.")
        ),
        error_messages={"required": REQUIRED},
    )
    fax = _optional(30, r"^(\+?[\d\s()-]{5,25})?$", N_("Enter a fax number: digits, spaces, brackets, hyphens."))
    site = _optional(200, r"^(https?://\S+)?$", N_("A site's address starts with http:// or https://."))
    category = fields.String(
        required=True,
        validate=validate.OneOf([code for code, _title in CATEGORIES], error=N_("Choose the applicant category.")),
        error_messages={"required": N_("Choose the applicant category.")},
    )
    postal_same = fields.Boolean(load_default=False)
    postal_address = Text(500)

    @validates_schema(skip_on_field_errors=False)
    def _postal(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("postal_same") and not data.get("postal_address"):
            raise ValidationError(
                N_("Enter the postal address, or tick «Same as the legal address»."), "postal_address"
            )


class ActivitiesStep(Schema):
    """OKVED2 codes: exactly one main, at most two auxiliary, any number of others; all from the classifier."""

    main = fields.String(
        required=True, validate=_one_code, error_messages={"required": N_("Enter the main OKVED2 code.")}
    )
    auxiliary = fields.List(fields.String(validate=_check(okved_problem)), load_default=list)
    other = fields.List(fields.String(validate=_check(okved_problem)), load_default=list)
    notes = Text(1000)

    @validates("auxiliary")
    def _auxiliary(self, value: list[str], **_kwargs: Any) -> None:
        if len(value) > MAX_AUXILIARY:
            raise ValidationError(N_("At most two auxiliary activities: move the rest to «Other»."))

    @validates_schema
    def _distinct(self, data: dict[str, Any], **_kwargs: Any) -> None:
        codes = [data.get("main", ""), *data.get("auxiliary", []), *data.get("other", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError(N_("Each code appears once: as main, auxiliary or other."), "other")


HEAD_FIELDS = {
    "person": ("full_name", "birth_date", "id_document", "registration_address", "actual_address"),
    "legal": ("full_name", "short_name", "inn", "kpp", "ogrn", "address"),
    "foreign": ("full_name", "short_name", "foreign_id", "country"),
}


class HeadStep(Schema):
    """The organization's head: an individual, a legal entity or a foreign organization, each with its own fields."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf([code for code, _title in HEAD_KINDS], error=N_("Choose who the head is.")),
        error_messages={"required": N_("Choose who the head is.")},
    )
    full_name = Text(500)
    short_name = Text(300)
    birth_date = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date such as 2001-12-31.")})
    id_document = Text(300)
    registration_address = Text(500)
    actual_address = Text(500)
    inn = Text(12)
    kpp = Text(9)
    ogrn = Text(13)
    address = Text(500)
    foreign_id = Text(50)
    country = Text(100)

    @validates_schema
    def _by_kind(self, data: dict[str, Any], **_kwargs: Any) -> None:
        kind = data.get("kind")
        if kind not in HEAD_FIELDS:
            return
        errors: dict[str, list[str]] = {}
        for name in HEAD_FIELDS[kind]:
            if not data.get(name):
                errors[name] = [REQUIRED]
        if kind == "legal":
            for name, problem in (("inn", inn_problem), ("kpp", kpp_problem), ("ogrn", ogrn_problem)):
                if data.get(name) and name not in errors:
                    reason = problem(data[name])
                    if reason is not None:
                        errors[name] = [reason]
        if errors:
            raise ValidationError(errors)


class RealtyStep(Schema):
    """Addresses of the non-residential real estate the organization uses, one per line."""

    addresses = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list)


class SubdivisionItem(Schema):
    """One territorially separate subdivision (ТОП): its name, kind, KPP, address and main activity."""

    name = _required()
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            [code for code, _title in SUBDIVISION_KINDS], error=N_("Choose the kind of subdivision.")
        ),
        error_messages={"required": N_("Choose the kind of subdivision.")},
    )
    kpp = fields.String(required=True, validate=_check(kpp_problem), error_messages={"required": REQUIRED})
    address = _required()
    okved = fields.String(required=True, validate=_check(okved_problem), error_messages={"required": REQUIRED})


class BeneficiaryItem(Schema):
    """One beneficiary: name, birth date, identity document, addresses; active, or with the date it ended."""

    full_name = _required()
    birth_date = fields.Date(
        required=True, error_messages={"required": REQUIRED, "invalid": N_("Enter a date such as 2001-12-31.")}
    )
    id_document = _required()
    registration_address = _required()
    actual_address = _required()
    active = fields.Boolean(load_default=False)
    end_date = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date such as 2001-12-31.")})

    @validates_schema
    def _ended(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("active") and data.get("end_date") is None:
            raise ValidationError(N_("Tick «Active», or enter the date until which this was true."), "end_date")
        if data.get("active") and data.get("end_date") is not None:
            raise ValidationError(N_("An active beneficiary has no end date."), "end_date")


class ListAction(Schema):
    """Which button of a list step was pressed: add an item, remove one, or go on (the default)."""

    action = fields.String(load_default="next", validate=validate.OneOf(["add", "remove", "next"]))


class RemoveItem(Schema):
    """Which item of a list step to remove (its position, from 0)."""

    index = fields.Integer(required=True, validate=validate.Range(min=0, max=999))
