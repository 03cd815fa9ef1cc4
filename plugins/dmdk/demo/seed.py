"""The demo registry's data from the tenant file's ``[demo.plugins.dmdk]`` (``load_demo_data``), idempotent.

On every ``abonent demo`` start: the demo CA and the people's certificates are made (or reused) in the instance
folder (:mod:`plugins.dmdk.demo.pki`); the CA becomes the tenant's trust root (the ``dmdk.certlogin`` settings);
the head gets an account bound to their certificate and registers the organization through the wizard's own
draft, step schemas and :func:`plugins.dmdk.organizations.service.register` (so they are its administrator); the
employee gets an account bound to theirs and joins it (awaiting roles). The spare certificates name people with
no account yet: a visitor registers with them at ``/dmdk/login``. What already exists is left as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from core.api import (
    DemoLogin,
    IdentityError,
    SettingsError,
    Tenant,
    User,
    create_user,
    get_settings,
    html_to_pdf,
    pdf_fonts,
    save_settings,
    session,
)
from plugins.dmdk.batches import service as batches
from plugins.dmdk.batches import terms
from plugins.dmdk.certlogin.settings import NAMESPACE
from plugins.dmdk.demo.pki import DemoAuthority, Holder, KeyPair
from plugins.dmdk.documents import service as documents
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.types import TYPE_CODES, TYPE_TITLES
from plugins.dmdk.employees import service as employees
from plugins.dmdk.identifiers.checks import inn_problem, snils_problem
from plugins.dmdk.models import CertificateHolder, Employee, OrganizationProfile
from plugins.dmdk.organizations import service as organizations
from plugins.dmdk.organizations import wizard
from plugins.dmdk.registry.lookup import RegistryRecord, find_organization

SIGN_COMMAND = "abonent dmdk sign-challenge --key {key} --cert {cert} --nonce <from the page> --origin <from the page>"


def _identifier(check) -> Any:
    def validator(value: str) -> None:
        if check(value) is not None:
            raise ValidationError(f"{value} is not valid (check digits)")

    return validator


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class PersonSpec(_Strict):
    """A person with a certificate: the file stem of their key and certificate, their SNILS and personal INN."""

    file = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,40}$"))
    full_name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    snils = fields.String(required=True, validate=_identifier(snils_problem))
    inn = fields.String(required=True, validate=[validate.Length(equal=12), _identifier(inn_problem)])


class AccountSpec(PersonSpec):
    """A person who has an account: its login (an e-mail) and the printed password."""

    login = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=8, max=100))


class SpareSpec(PersonSpec):
    """A certificate with no account yet, of the organization with this OGRN/INN in the register."""

    organization = fields.String(required=True)


class OrganizationSpec(_Strict):
    """The registered organization: its number in the register and the wizard's answers, step by step."""

    number = fields.String(required=True)
    steps = fields.Dict(keys=fields.String(validate=validate.OneOf(wizard.PROFILE_STEPS)), required=True)


class BatchSpec(_Strict):
    """``[[demo.plugins.dmdk.batches]]``: a registered batch of the organization (by its fixed УИН)."""

    uin = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{16}$"))
    kind = fields.String(required=True, validate=validate.OneOf(list(terms.KINDS)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    metal = fields.String(required=True, validate=validate.OneOf(list(terms.METALS)))
    fineness = fields.Integer(required=True, validate=validate.Range(min=1, max=9999))
    weight_mg = fields.Integer(required=True, validate=validate.Range(min=1))
    count = fields.Integer(load_default=1, validate=validate.Range(min=1))


class DocumentSpec(_Strict):
    """``[[demo.plugins.dmdk.documents]]``: a document of the organization (a small PDF made at demo time)."""

    type = fields.String(required=True, validate=validate.OneOf(list(TYPE_CODES)))
    number = fields.String(required=True, validate=validate.Length(min=1, max=60))
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)


class DemoDmdkSchema(_Strict):
    """``[demo.plugins.dmdk]``."""

    folder = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,60}$"))
    organization = fields.Nested(OrganizationSpec, required=True)
    head = fields.Nested(AccountSpec, required=True)
    employee = fields.Nested(AccountSpec, required=True)
    spare = fields.List(fields.Nested(SpareSpec), load_default=list)
    batches = fields.List(fields.Nested(BatchSpec), load_default=list)
    documents = fields.List(fields.Nested(DocumentSpec), load_default=list)


def _fail(tenant: Tenant, message: str) -> click.ClickException:
    return click.ClickException(f"{tenant.slug}: [demo.plugins.dmdk] {message}")


def _record(tenant: Tenant, number: str) -> RegistryRecord:
    record = find_organization(number)
    if record is None:
        raise _fail(tenant, f"the register has no organization {number}")
    return record


def _holder(person: dict, record: RegistryRecord) -> Holder:
    return Holder(
        full_name=person["full_name"],
        snils=person["snils"],
        inn=person["inn"],
        organization=record.short_name,
        organization_inn=record.inn,
        organization_ogrn=record.ogrn,
    )


def _trust(authority: DemoAuthority) -> None:
    """Add the demo CA to the tenant's trust roots (through the settings, kept as they are otherwise)."""
    current = get_settings(NAMESPACE).as_dict()
    if authority.pem.strip() in current["trust_roots"]:
        return
    roots = "\n".join(part for part in (current["trust_roots"].strip(), authority.pem.strip()) if part)
    try:
        save_settings(NAMESPACE, {**current, "trust_roots": roots + "\n"})
    except SettingsError as error:
        raise click.ClickException(f"cannot trust the demo CA: {error.messages}") from None


def _account(tenant: Tenant, person: dict, record: RegistryRecord) -> User:
    """The person's account bound to their certificate's SNILS and INN, as ``dmdk.register`` makes it."""
    login = person["login"].strip().lower()
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        try:
            user, _password = create_user(
                tenant, login, full_name=person["full_name"], roles=(), password=person["password"]
            )
        except IdentityError as error:
            raise _fail(tenant, f"{login}: {error.message}") from None
    holder = session.scalar(select(CertificateHolder).where(CertificateHolder.user_id == user.id))
    if holder is None:
        holder = CertificateHolder(user_id=user.id, snils=person["snils"], inn=person["inn"])
        session.add(holder)
    holder.organization_inn = record.inn  # as the certificate login remembers it
    session.flush()
    return user


def _step_answers(tenant: Tenant, steps: dict[str, Any]) -> dict[str, Any]:
    """Each step's answers as the wizard keeps them: loaded (checked) and dumped by the step's own schema."""
    answers = {}
    for code in wizard.PROFILE_STEPS:
        step = wizard.step_named(code)
        given = steps.get(code, [] if step.item_schema else None)
        if given is None:
            raise _fail(tenant, f"organization.steps.{code} is missing")
        try:
            if step.item_schema is not None:
                schema = step.item_schema()
                answers[code] = [schema.dump(schema.load(item)) for item in given]
            else:
                schema = step.schema()
                answers[code] = schema.dump(schema.load(given))
        except ValidationError as error:
            raise _fail(tenant, f"organization.steps.{code}: {error.messages}") from None
    return answers


def _organization(tenant: Tenant, head: User, spec: dict) -> int:
    """The organization's id; registered by ``head`` through the wizard's draft the first time."""
    record = _record(tenant, spec["number"])
    existing = session.scalar(select(OrganizationProfile.organization_id).where(OrganizationProfile.inn == record.inn))
    if existing is not None:
        return existing
    found, problem = wizard.find(head, spec["number"])
    if found is None:
        raise _fail(tenant, f"organization {spec['number']}: {problem}")
    draft = wizard.start_draft(head)
    wizard.save_step(draft, "record", found.as_dict())
    for code, answers in _step_answers(tenant, spec["steps"]).items():
        wizard.save_step(draft, code, answers)
    assert not wizard.missing_steps(draft)
    return organizations.register(head, draft).id


def _document(head: User, organization_id: int, record: RegistryRecord, spec: dict[str, Any]) -> None:
    """The organization's document of ``spec`` (kept once: found again by its type and number)."""
    found = session.scalar(
        select(Document.id).where(
            Document.organization_id == organization_id,
            Document.type_code == spec["type"],
            Document.number == spec["number"],
        )
    )
    if found is not None:
        return
    with force_locale("ru"):
        title = gettext(TYPE_TITLES[spec["type"]])
        html = render_template(
            "dmdk/demo/document.html",
            title=title,
            organization=record.full_name,
            number=spec["number"],
            issued_on=spec["issued_on"],
            fonts=pdf_fonts(),
        )
    documents.add(organization_id, spec, f"{spec['type']}-{spec['number']}.pdf", html_to_pdf(html), head)


def _sign_in(pair: KeyPair) -> str:
    return SIGN_COMMAND.format(key=pair.key, cert=pair.cert)


def load(tenant: Tenant, data: dict[str, Any]) -> list[DemoLogin]:
    """Build the demo registry of ``tenant`` from ``data`` (see the module); the head's and employee's logins.

    Raises ``click.ClickException`` when ``data`` is invalid. The caller commits.
    """
    try:
        spec = DemoDmdkSchema().load(data)
    except ValidationError as error:
        raise _fail(tenant, f"is invalid: {error.messages}") from None
    folder = Path(current_app.instance_path) / spec["folder"]
    authority = DemoAuthority(folder)
    _trust(authority)
    record = _record(tenant, spec["organization"]["number"])
    head_pair = authority.person(spec["head"]["file"], _holder(spec["head"], record))
    employee_pair = authority.person(spec["employee"]["file"], _holder(spec["employee"], record))
    for spare in spec["spare"]:
        authority.person(spare["file"], _holder(spare, _record(tenant, spare["organization"])))
    head = _account(tenant, spec["head"], record)
    organization_id = _organization(tenant, head, spec["organization"])
    employee = _account(tenant, spec["employee"], record)
    if session.scalar(select(Employee.id).where(Employee.user_id == employee.id)) is None:
        employees.join(employee, organization_id)
    for batch in spec["batches"]:
        if not batches.uin_taken(batch["uin"]):
            batches.create(head, organization_id, batches.BatchInput(**batch), register=True)
    for document in spec["documents"]:
        _document(head, organization_id, record, document)
    session.flush()
    name = record.short_name
    return [
        DemoLogin(
            spec["head"]["login"],
            spec["head"]["password"],
            f"head of {name}, its organization administrator; or by certificate on /dmdk/login: {_sign_in(head_pair)}",
        ),
        DemoLogin(
            spec["employee"]["login"],
            spec["employee"]["password"],
            f"employee of {name} awaiting roles; or by certificate on /dmdk/login: {_sign_in(employee_pair)}",
        ),
    ]
