"""The expiry reminders (``dmdk.documents.expiry``, hourly per tenant): the holders of ``dmdk.applications.work`` in
a document's organization are told :data:`~plugins.dmdk.documents.service.EXPIRING_DAYS` days before the document
expires and again when it does.

Each occasion is sent once (core's ``notify`` with a ``dedupe_key`` naming the document, its expiry date and the
occasion): a repeated run sends nothing more, a changed expiry date is a new occasion. A document that expired more
than :data:`CATCH_UP_DAYS` ago is no longer looked at (a document uploaded long expired is not announced).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from core.api import N_, NotificationKind, Organization, Tenant, TenantJob, notify, session, site_path
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.service import EXPIRING_DAYS, type_title
from plugins.dmdk.employees.roles import WORK_APPLICATIONS
from plugins.dmdk.employees.service import users_holding

KIND = "dmdk_documents"
CATCH_UP_DAYS = 7
SOON = "soon"
EXPIRY = "expiry"


def notification_kinds() -> list[NotificationKind]:
    """The kind the organization's employees can switch on and off."""
    return [NotificationKind(KIND, N_("Organization documents about to expire"))]


def jobs() -> list[TenantJob]:
    """The hourly expiry reminder of every tenant with the plugin."""
    return [TenantJob("dmdk.documents.expiry", "dmdk", send_expiry_reminders, every_seconds=3600)]


def _words(document: Document, organization: str, occasion: str, today: date) -> tuple[str, str]:
    kind = str(type_title(document.type_code))
    until = format_date(document.expires_on, "d MMMM y")
    if occasion == SOON:
        return (
            _("%(type)s expires on %(date)s", type=kind, date=until),
            _(
                "%(type)s № %(number)s of %(organization)s is valid until %(date)s. Upload the renewed document in "
                "advance: an application cannot rely on an expired one.",
                type=kind,
                number=document.number,
                organization=organization,
                date=until,
            ),
        )
    title = (
        _("%(type)s expires today", type=kind) if document.expires_on == today else _("%(type)s has expired", type=kind)
    )
    return title, _(
        "%(type)s № %(number)s of %(organization)s was valid until %(date)s. Upload the renewed document: an "
        "application cannot rely on an expired one.",
        type=kind,
        number=document.number,
        organization=organization,
        date=until,
    )


def send_expiry_reminders(tenant: Tenant, now: datetime) -> dict[str, int]:
    """Remind of the documents that expire within :data:`EXPIRING_DAYS` days or expire today (or did lately);
    how many documents of each occasion were found (repeats notify nobody again)."""
    today = tenant.today(now)
    documents = list(
        session.scalars(
            select(Document)
            .where(
                Document.expires_on <= today + timedelta(days=EXPIRING_DAYS),
                Document.expires_on >= today - timedelta(days=CATCH_UP_DAYS),
            )
            .order_by(Document.id)
        )
    )
    found = {SOON: 0, EXPIRY: 0}
    names: dict[int, str] = {}
    for document in documents:
        occasion = EXPIRY if document.expires_on <= today else SOON
        found[occasion] += 1
        if document.organization_id not in names:
            organization = session.get(Organization, document.organization_id)
            names[document.organization_id] = organization.name if organization is not None else ""
        link = site_path("dmdk.document", organization_id=document.organization_id, document_id=document.id)
        key = f"dmdk:document:{document.id}:{document.expires_on.isoformat()}:{occasion}"
        for user in users_holding(document.organization_id, WORK_APPLICATIONS):
            with force_locale(user.locale or tenant.locale):
                title, body = _words(document, names[document.organization_id], occasion, today)
            notify(user, KIND, title, body, link, dedupe_key=key, tenant=tenant)
    return found
