"""Who hears of a transfer: the receiving organization's batch operators when a specification is sent, the
sender's when it is accepted or returned (notification kind ``dmdk_transfers``, each in their own language)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.api import Organization, User, current_tenant, notify, organization_roles, session, site_path
from plugins.dmdk.batches import terms
from plugins.dmdk.batches.models import Specification
from plugins.dmdk.employees.roles import BATCHES

KIND = "dmdk_transfers"


def operators(organization_id: int) -> list[User]:
    """The users holding the batch operations role in ``organization_id``."""
    ids = sorted(user_id for user_id, codes in organization_roles(organization_id).items() if BATCHES in codes)
    if not ids:
        return []
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def _name(organization_id: int) -> str:
    organization = session.get(Organization, organization_id)
    return organization.name if organization is not None else ""


def _tell(organization_id: int, spec: Specification, words) -> None:
    """Notify the batch operators of ``organization_id``; ``words()`` gives (title, body) in the current locale."""
    tenant = current_tenant()
    link = site_path("dmdk.specification", organization_id=organization_id, specification_id=spec.id)
    for user in operators(organization_id):
        with force_locale(user.locale or tenant.locale):
            title, body = words()
        notify(user, KIND, title, body, link, tenant=tenant)


def sent(spec: Specification, count: int) -> None:
    """Tell the receiver's batch operators that ``spec`` awaits them."""
    sender = _name(spec.sender_id)
    _tell(
        spec.receiver_id,
        spec,
        lambda: (
            _("Specification No. %(number)s from %(sender)s", number=spec.id, sender=sender),
            _("Batches in it: %(count)s. Accept them or return the specification with a reason.", count=count),
        ),
    )


def decided(spec: Specification, count: int) -> None:
    """Tell the sender's batch operators that ``spec`` was accepted or returned (and why)."""
    receiver = _name(spec.receiver_id)

    def words() -> tuple[str, str]:
        if spec.status == terms.ACCEPTED:
            return (
                _("%(receiver)s accepted specification No. %(number)s", receiver=receiver, number=spec.id),
                _("Batches transferred: %(count)s.", count=count),
            )
        return (
            _("%(receiver)s returned specification No. %(number)s", receiver=receiver, number=spec.id),
            _("Reason: %(reason)s. The batches are yours again, registered.", reason=spec.reason),
        )

    _tell(spec.sender_id, spec, words)
