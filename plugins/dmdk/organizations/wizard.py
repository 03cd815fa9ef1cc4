"""The organization wizard's steps and its draft: answers saved per step, the organization registered at the end.

A person has at most one draft (``OrganizationDraft``); each step's answers are stored as the step schema dumps
them (JSON). The first step finds the organization in the register and checks it is the certificate's; editing a
registered organization starts a draft from its profile and goes through the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from core.api import N_, User, session
from plugins.dmdk.models import CertificateHolder, OrganizationDraft, OrganizationProfile
from plugins.dmdk.organizations import forms
from plugins.dmdk.registry.lookup import ENTREPRENEUR, RegistryRecord, find_organization


@dataclass(frozen=True)
class Step:
    """One page of the wizard: its code, title, form schema, and whether it collects a list of items."""

    code: str
    title: str
    schema: type[Schema] | None = None
    item_schema: type[Schema] | None = None


STEPS = (
    Step("find", N_("Organization"), forms.FindStep),
    Step("contacts", N_("Contacts"), forms.ContactsStep),
    Step("activities", N_("Activities (OKVED2)"), forms.ActivitiesStep),
    Step("head", N_("Head"), forms.HeadStep),
    Step("realty", N_("Non-residential real estate"), forms.RealtyStep),
    Step("subdivisions", N_("Subdivisions"), item_schema=forms.SubdivisionItem),
    Step("beneficiaries", N_("Beneficiaries"), item_schema=forms.BeneficiaryItem),
    Step("confirm", N_("Confirmation")),
)
STEP_CODES = tuple(step.code for step in STEPS)
PROFILE_STEPS = STEP_CODES[1:-1]  # what the profile keeps besides the register's record


def step_named(code: str) -> Step | None:
    return next((step for step in STEPS if step.code == code), None)


def next_step(code: str) -> str:
    return STEP_CODES[min(STEP_CODES.index(code) + 1, len(STEP_CODES) - 1)]


def previous_step(code: str) -> str | None:
    index = STEP_CODES.index(code)
    return STEP_CODES[index - 1] if index else None


def draft_of(user: User) -> OrganizationDraft | None:
    """The user's draft, if they started one."""
    return session.scalar(select(OrganizationDraft).where(OrganizationDraft.user_id == user.id))


def start_draft(user: User, organization_id: int | None = None) -> OrganizationDraft:
    """The user's draft; for ``organization_id``, a fresh one filled from that organization's profile."""
    draft = draft_of(user)
    if organization_id is not None and (draft is None or draft.organization_id != organization_id):
        profile = session.scalar(
            select(OrganizationProfile).where(OrganizationProfile.organization_id == organization_id)
        )
        if draft is None:
            draft = OrganizationDraft(user_id=user.id)
            session.add(draft)
        draft.organization_id = organization_id
        draft.steps = dict(profile.data) if profile is not None else {}
    elif draft is None:
        draft = OrganizationDraft(user_id=user.id, steps={})
        session.add(draft)
    session.flush()
    return draft


def save_step(draft: OrganizationDraft, code: str, answers: Any) -> None:
    """Keep ``answers`` (JSON) as the draft's step ``code`` (a new dict, so the change is saved)."""
    draft.steps = {**(draft.steps or {}), code: answers}


def reachable(draft: OrganizationDraft, code: str) -> bool:
    """May the person open step ``code``? Only once the organization is found (or being edited)."""
    return code == "find" or "record" in (draft.steps or {})


def record_of(draft: OrganizationDraft) -> RegistryRecord | None:
    stored = (draft.steps or {}).get("record")
    return RegistryRecord(**stored) if stored else None


def certificate_inns(user: User) -> set[str]:
    """The INNs the user's certificate speaks for: the organization's (ИНН ЮЛ) and their own (an entrepreneur's)."""
    holder = session.scalar(select(CertificateHolder).where(CertificateHolder.user_id == user.id))
    if holder is None:
        return set()
    return {inn for inn in (holder.organization_inn, holder.inn) if inn}


def find_problem(user: User, record: RegistryRecord | None, number: str) -> str | None:
    """Why the organization ``number`` found as ``record`` cannot be registered by ``user`` (or ``None``)."""
    if record is None:
        return _("The register has no organization with the number %(number)s: check it for a typo.", number=number)
    if record.inn not in certificate_inns(user):
        if record.kind == ENTREPRENEUR:
            return _(
                "Your certificate's INN is not this entrepreneur's: log in with the entrepreneur's own certificate."
            )
        return _(
            "Your certificate was not issued for %(name)s (INN %(inn)s): the head registers the organization "
            "with the organization's certificate.",
            name=record.short_name,
            inn=record.inn,
        )
    taken = session.scalar(select(OrganizationProfile.id).where(OrganizationProfile.inn == record.inn))
    if taken is not None:
        return _(
            "%(name)s is already registered here: ask its administrator to add you as an employee.",
            name=record.short_name,
        )
    return None


def find(user: User, number: str) -> tuple[RegistryRecord | None, str | None]:
    """Look ``number`` up and check it may be registered by ``user``: ``(record, None)`` or ``(None, why not)``."""
    record = find_organization(number)
    problem = find_problem(user, record, number)
    return (None, problem) if problem else (record, None)


def missing_steps(draft: OrganizationDraft) -> list[Step]:
    """The steps whose answers the draft still lacks (lists may stay empty, but the step must be seen)."""
    steps = draft.steps or {}
    missing = [] if "record" in steps else [STEPS[0]]
    return missing + [step for step in STEPS[1:-1] if step.code not in steps]
