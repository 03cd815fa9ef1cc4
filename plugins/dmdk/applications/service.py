"""The special-registration application's life: ``draft`` → ``submitted`` → ``registered`` or ``rejected``.

* The organization (holders of ``dmdk.applications.work``) starts a draft, attaches its documents and submits it;
  submitting needs an attached document of every required type (:mod:`plugins.dmdk.applications.settings`) that
  is valid that day.
* The registry's operator (``dmdk.registry.operate``) registers a submitted application — the card's number and
  date — or rejects it with a reason.

Every step appends a row to the timeline (:class:`~plugins.dmdk.applications.models.ApplicationStatusChange`),
is audited and notifies the organization's holders of ``dmdk.applications.work`` (``dmdk_applications``). A
document attached to an application that is no longer a draft is locked (its finder is registered with
:mod:`plugins.dmdk.documents.locks` when this module is imported). A refused step raises ``Refused`` and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from flask import has_request_context, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.api import (
    N_,
    NotificationKind,
    Organization,
    Refusal,
    Refused,
    User,
    audit,
    current_tenant,
    notify,
    session,
    site_path,
    utcnow,
)
from plugins.dmdk.applications.models import Application, ApplicationDocument, ApplicationStatusChange
from plugins.dmdk.applications.settings import required_types
from plugins.dmdk.documents.locks import Lock, register_lock_finder
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.service import type_title
from plugins.dmdk.employees.roles import WORK_APPLICATIONS
from plugins.dmdk.employees.service import users_holding
from plugins.dmdk.models import OrganizationProfile

DRAFT = "draft"
SUBMITTED = "submitted"
REGISTERED = "registered"
REJECTED = "rejected"
STATUSES = (DRAFT, SUBMITTED, REGISTERED, REJECTED)
STATUS_TITLES = {
    DRAFT: N_("Draft"),
    SUBMITTED: N_("Submitted"),
    REGISTERED: N_("Registered"),
    REJECTED: N_("Rejected"),
}
KIND = "dmdk_applications"


def notification_kinds() -> list[NotificationKind]:
    """The kind the organization's employees can switch on and off."""
    return [NotificationKind(KIND, N_("Special registration applications"))]


def applications_of(organization_id: int) -> list[Application]:
    """The organization's applications, newest first."""
    return list(
        session.scalars(
            select(Application).where(Application.organization_id == organization_id).order_by(Application.id.desc())
        )
    )


def _record(application: Application, status: str, actor: User | None, note: str = "") -> None:
    now = utcnow()
    application.status = status
    application.status_changed_at = now
    session.add(
        ApplicationStatusChange(
            application_id=application.id, status=status, actor_id=actor.id if actor else None, note=note, at=now
        )
    )
    session.flush()
    audit(f"dmdk.application.{status}", "dmdk_application", application.id, None, {"status": status, "note": note})


def timeline(application: Application) -> list[ApplicationStatusChange]:
    """The application's steps, oldest first."""
    return list(
        session.scalars(
            select(ApplicationStatusChange)
            .where(ApplicationStatusChange.application_id == application.id)
            .order_by(ApplicationStatusChange.at, ApplicationStatusChange.id)
        )
    )


def start(organization: Organization, user: User) -> Application:
    """A new draft; refused (``already_open``) while another application is a draft or submitted, and
    (``already_registered``) once the organization is registered. The caller commits."""
    for application in applications_of(organization.id):
        if application.status in (DRAFT, SUBMITTED):
            raise Refused(
                [
                    Refusal(
                        "already_open",
                        _l("Application № %(number)s is already in progress: continue with it.", number=application.id),
                    )
                ]
            )
        if application.status == REGISTERED:
            raise Refused(
                [
                    Refusal(
                        "already_registered",
                        _l(
                            "The organization is already on special registration (card № %(card)s).",
                            card=application.card_number,
                        ),
                    )
                ]
            )
    application = Application(organization_id=organization.id, status=DRAFT, created_by=user.id)
    session.add(application)
    session.flush()
    _record(application, DRAFT, user)
    return application


def documents_of(application: Application) -> list[Document]:
    """The documents attached to the application, in the order they were attached."""
    return list(
        session.scalars(
            select(Document)
            .join(ApplicationDocument, ApplicationDocument.document_id == Document.id)
            .where(ApplicationDocument.application_id == application.id)
            .order_by(ApplicationDocument.id)
        )
    )


def _refuse_unless(application: Application, status: str) -> None:
    # Read the status again under a row lock: two people pressing at once make one step, not two.
    session.refresh(application, with_for_update=True)
    if application.status == status:
        return
    if status == DRAFT:
        text = _l("Application № %(number)s is no longer a draft: its documents cannot change.", number=application.id)
        raise Refused([Refusal("not_draft", text)])
    text = _l("Application № %(number)s is not awaiting a decision.", number=application.id)
    raise Refused([Refusal("not_submitted", text)])


def attach(application: Application, document: Document) -> None:
    """Attach a document of the application's organization to a draft (again: nothing happens); refused
    (``not_draft``) once the application is submitted. The caller commits."""
    _refuse_unless(application, DRAFT)
    assert document.organization_id == application.organization_id
    exists = session.scalar(
        select(ApplicationDocument.id).where(
            ApplicationDocument.application_id == application.id, ApplicationDocument.document_id == document.id
        )
    )
    if exists is None:
        session.add(ApplicationDocument(application_id=application.id, document_id=document.id))
        session.flush()


def detach(application: Application, document: Document) -> None:
    """Take a document off a draft; refused (``not_draft``) once the application is submitted. The caller commits."""
    _refuse_unless(application, DRAFT)
    link = session.scalar(
        select(ApplicationDocument).where(
            ApplicationDocument.application_id == application.id, ApplicationDocument.document_id == document.id
        )
    )
    if link is not None:
        session.delete(link)
        session.flush()


def required_of(application: Application) -> tuple[str, ...]:
    """The document types the application needs (by the organization's kind: legal entity or entrepreneur)."""
    kind = session.scalar(
        select(OrganizationProfile.kind).where(OrganizationProfile.organization_id == application.organization_id)
    )
    return required_types(kind or "legal")


def missing_types(application: Application, today: date) -> list[str]:
    """The required types that no attached document valid on ``today`` covers."""
    covered = {document.type_code for document in documents_of(application) if document.expires_on >= today}
    return [code for code in required_of(application) if code not in covered]


def submit(application: Application, user: User, today: date) -> None:
    """Submit a draft to the registry; refused (``missing_documents``, naming the types) unless a valid document of
    every required type is attached. The caller commits."""
    _refuse_unless(application, DRAFT)
    missing = missing_types(application, today)
    if missing:
        text = _l(
            "Attach a valid document of each of these types before submitting: %(types)s.", types=_TypeList(missing)
        )
        raise Refused([Refusal("missing_documents", text)])
    application.submitted_at = utcnow()
    _record(application, SUBMITTED, user)
    _tell(
        application,
        lambda organization: (
            _("Application № %(number)s is submitted", number=application.id),
            _(
                "%(organization)s: the application for special registration is submitted to the registry's "
                "operator. You will be told of the decision.",
                organization=organization,
            ),
        ),
    )


class _TypeList:
    """The titles of document types, quoted and joined, in the language current when it is shown."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)

    def __str__(self) -> str:
        return ", ".join(f"«{type_title(code)}»" for code in self.codes)


def card_taken(card_number: str, application_id: int) -> bool:
    """Whether another application of the tenant was registered under ``card_number``."""
    other = session.scalar(
        select(Application.id).where(Application.card_number == card_number, Application.id != application_id)
    )
    return other is not None


def register(application: Application, operator: User, card_number: str, registered_on: date, today: date) -> None:
    """The operator registers a submitted application under the card ``card_number`` of ``registered_on``; refused
    when it is not submitted (``not_submitted``), the card number is another application's (``card_taken``) or the
    date is after ``today`` (``future_date``). The caller commits."""
    _refuse_unless(application, SUBMITTED)
    reasons = []
    if card_taken(card_number, application.id):
        reasons.append(Refusal("card_taken", _l("Another application is registered under this card number.")))
    if registered_on > today:
        reasons.append(Refusal("future_date", _l("The registration date cannot be later than today.")))
    if reasons:
        raise Refused(reasons)
    application.card_number = card_number
    application.registered_on = registered_on
    _record(application, REGISTERED, operator, card_number)
    _tell(
        application,
        lambda organization: (
            _("%(organization)s is on special registration", organization=organization),
            _(
                "Application № %(number)s is registered: registry card № %(card)s of %(date)s.",
                number=application.id,
                card=card_number,
                date=format_date(registered_on, "d MMMM y"),
            ),
        ),
    )


def reject(application: Application, operator: User, reason: str) -> None:
    """The operator rejects a submitted application, saying why; refused (``not_submitted``) otherwise. The caller
    commits."""
    _refuse_unless(application, SUBMITTED)
    application.rejection_reason = reason
    _record(application, REJECTED, operator, reason)
    _tell(
        application,
        lambda _organization: (
            _("Application № %(number)s is rejected", number=application.id),
            _("The registry's operator rejected it. Reason: %(reason)s", reason=reason),
        ),
    )


def _tell(application: Application, say: Callable[[str], tuple[str, str]]) -> None:
    """Notify the organization's holders of ``dmdk.applications.work``, each in their language."""
    tenant = current_tenant()
    organization = session.get(Organization, application.organization_id)
    name = organization.name if organization is not None else ""
    link = site_path("dmdk.application", organization_id=application.organization_id, application_id=application.id)
    for user in users_holding(application.organization_id, WORK_APPLICATIONS):
        with force_locale(user.locale or tenant.locale):
            title, body = say(name)
        notify(
            user,
            KIND,
            title,
            body,
            link,
            dedupe_key=f"dmdk:application:{application.id}:{application.status}",
            tenant=tenant,
        )


def _locks(document_ids: Sequence[int]) -> dict[int, Lock]:
    """The documents attached to an application that is no longer a draft: locked, saying which and since when."""
    rows = session.execute(
        select(ApplicationDocument.document_id, Application)
        .join(Application, Application.id == ApplicationDocument.application_id)
        .where(ApplicationDocument.document_id.in_(document_ids), Application.status != DRAFT)
        .order_by(Application.submitted_at, Application.id)
    )
    found: dict[int, Lock] = {}
    for document_id, application in rows:
        if document_id in found:
            continue
        submitted = application.submitted_at or application.status_changed_at
        reason = _l(
            "Attached to application № %(number)s submitted on %(date)s: it cannot be changed or deleted.",
            number=application.id,
            date=format_date(submitted, "d MMMM y"),
        )
        link = ""
        if has_request_context():
            link = url_for(
                "dmdk.application", organization_id=application.organization_id, application_id=application.id
            )
        found[document_id] = Lock(reason, link)
    return found


register_lock_finder("applications", _locks)


def awaiting_decision() -> int:
    """How many applications wait for the registry operator's decision (the staff start page's counter)."""
    return session.scalar(select(func.count(Application.id)).where(Application.status == SUBMITTED)) or 0
