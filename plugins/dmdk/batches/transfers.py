"""Transfer specifications: a sender lists its registered batches for another registered organization of the
tenant; draft → sent → accepted (the batches change owner and are registered with the receiver) or returned
(with a reason: the batches are the sender's, registered, again).

A batch is in at most one specification at a time (``Batch.specification_id``): a draft already holds its
batches, so no second specification may list them, and a transferred batch is another organization's.

Race safety: every action locks rows in one fixed order — the specification's row first, then its batches in the
order of their ids (``SELECT … FOR UPDATE`` on PostgreSQL) — and checks the statuses *inside* the lock. An accept
and a return (or two accepts) of one specification therefore run one after the other, and the second finds the
specification decided and is refused (``already_decided``); creating a specification locks its batches the same
way, so two drafts never take one batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, or_, select

from core.api import Organization, Refusal, Refused, User, audit, session, utcnow
from plugins.dmdk.batches import notices, service, terms
from plugins.dmdk.batches.models import Batch, Specification, SpecificationItem
from plugins.dmdk.models import OrganizationProfile


def receivers(sender_id: int) -> list[tuple[str, str]]:
    """The organizations ``sender_id`` may send batches to: (INN, name) of every other registered organization."""
    rows = session.execute(
        select(OrganizationProfile.inn, Organization.name)
        .join(Organization, Organization.id == OrganizationProfile.organization_id)
        .where(OrganizationProfile.organization_id != sender_id)
        .order_by(Organization.name, OrganizationProfile.inn)
    )
    return [(inn, name) for inn, name in rows]


def _receiver(sender_id: int, inn: str) -> int:
    organization_id = session.scalar(select(OrganizationProfile.organization_id).where(OrganizationProfile.inn == inn))
    if organization_id is None:  # a subdivision has no profile of its own: batches go to the organization
        raise Refused(
            [
                Refusal(
                    "unknown_receiver",
                    _l("No organization with this INN is registered here: choose one from the list."),
                )
            ]
        )
    if organization_id == sender_id:
        raise Refused([Refusal("same_organization", _l("Batches are transferred to another organization."))])
    return organization_id


def _batch_problems(sender_id: int, wanted: Sequence[int], found: Sequence[Batch]) -> list[Refusal]:
    by_id = {batch.id: batch for batch in found}
    problems = []
    for batch_id in wanted:
        batch = by_id.get(batch_id)
        if batch is None or batch.organization_id != sender_id:
            problems.append(
                Refusal("not_yours", _l("Batch No. %(id)s is not one of your organization's batches.", id=batch_id))
            )
        elif batch.specification_id is not None or batch.status == terms.IN_TRANSFER:
            problems.append(
                Refusal(
                    "in_specification",
                    _l(
                        "Batch %(uin)s is already in specification No. %(number)s: a batch is in one transfer at a "
                        "time.",
                        uin=batch.uin,
                        number=batch.specification_id,
                    ),
                )
            )
        elif batch.status != terms.REGISTERED:
            problems.append(
                Refusal(
                    "not_registered",
                    _l("Batch %(uin)s is not registered: only a registered batch is transferred.", uin=batch.uin),
                )
            )
    return problems


def create(actor: User, sender_id: int, receiver_inn: str, batch_ids: Sequence[int]) -> Specification:
    """A draft specification of ``sender_id``'s batches for the organization with INN ``receiver_inn``.

    Raises ``Refused`` (``unknown_receiver``, ``same_organization``, ``no_batches``, ``not_yours``,
    ``in_specification``, ``not_registered``) and then changes nothing.
    """
    receiver_id = _receiver(sender_id, receiver_inn)
    wanted = sorted(set(batch_ids))
    if not wanted:
        raise Refused([Refusal("no_batches", _l("Choose at least one batch."))])
    batches = service.lock(wanted)
    problems = _batch_problems(sender_id, wanted, batches)
    if problems:
        raise Refused(problems)
    spec = Specification(
        sender_id=sender_id, receiver_id=receiver_id, status=terms.SPEC_DRAFT, reason="", created_by=actor.id
    )
    session.add(spec)
    session.flush()
    for batch in batches:
        batch.specification_id = spec.id
        session.add(SpecificationItem(specification_id=spec.id, batch_id=batch.id))
    session.flush()
    audit("dmdk.spec.create", "dmdk_specification", spec.id, None, _snapshot(spec, batches))
    return spec


def _snapshot(spec: Specification, batches: Sequence[Batch]) -> dict:
    return {
        "status": spec.status,
        "sender_id": spec.sender_id,
        "receiver_id": spec.receiver_id,
        "uins": [batch.uin for batch in batches],
        **({"reason": spec.reason} if spec.reason else {}),
    }


def _lock(spec: Specification) -> tuple[Specification, list[Batch]]:
    """The specification's row, then its batches' rows in id order, locked and read afresh (the one lock order)."""
    locked = session.scalar(
        select(Specification)
        .where(Specification.id == spec.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise Refused([Refusal("gone", _l("The specification no longer exists."))])
    batch_ids = list(
        session.scalars(select(SpecificationItem.batch_id).where(SpecificationItem.specification_id == locked.id))
    )
    return locked, service.lock(batch_ids)


def _expect(spec: Specification, status: str) -> None:
    if spec.status == status:
        return
    if spec.status in (terms.ACCEPTED, terms.RETURNED):
        raise Refused([Refusal("already_decided", _l("The specification has already been accepted or returned."))])
    if status == terms.SENT:
        raise Refused([Refusal("not_sent", _l("The specification has not been sent yet."))])
    raise Refused([Refusal("not_draft", _l("The specification has been sent already."))])


def _side(spec: Specification, organization_id: int, sender: bool) -> None:
    if (spec.sender_id if sender else spec.receiver_id) != organization_id:
        text = _l("Only the sender may do this.") if sender else _l("Only the receiver may do this.")
        raise Refused([Refusal("wrong_side", text)])


def send(actor: User, spec: Specification, organization_id: int) -> Specification:
    """The sender sends its draft: the batches are in transfer, the receiver's batch operators are notified."""
    spec, batches = _lock(spec)
    _side(spec, organization_id, sender=True)
    _expect(spec, terms.SPEC_DRAFT)
    before = _snapshot(spec, batches)
    for batch in batches:
        batch.status = terms.IN_TRANSFER
    spec.status = terms.SENT
    spec.sent_at = utcnow()
    audit("dmdk.spec.send", "dmdk_specification", spec.id, before, _snapshot(spec, batches))
    notices.sent(spec, len(batches))
    return spec


def accept(actor: User, spec: Specification, organization_id: int) -> Specification:
    """The receiver accepts: its batches now, registered with it; the sender's batch operators are notified."""
    spec, batches = _lock(spec)
    _side(spec, organization_id, sender=False)
    _expect(spec, terms.SENT)
    before = _snapshot(spec, batches)
    for batch in batches:
        batch.organization_id = spec.receiver_id
        batch.status = terms.REGISTERED
        batch.specification_id = None
    _decide(actor, spec, terms.ACCEPTED, "")
    audit("dmdk.spec.accept", "dmdk_specification", spec.id, before, _snapshot(spec, batches))
    notices.decided(spec, len(batches))
    return spec


def return_(actor: User, spec: Specification, organization_id: int, reason: str) -> Specification:
    """The receiver returns the specification with ``reason``: the batches are the sender's, registered, again."""
    spec, batches = _lock(spec)
    _side(spec, organization_id, sender=False)
    _expect(spec, terms.SENT)
    before = _snapshot(spec, batches)
    for batch in batches:
        batch.status = terms.REGISTERED
        batch.specification_id = None
    _decide(actor, spec, terms.RETURNED, reason)
    audit("dmdk.spec.return", "dmdk_specification", spec.id, before, _snapshot(spec, batches))
    notices.decided(spec, len(batches))
    return spec


def _decide(actor: User, spec: Specification, status: str, reason: str) -> None:
    spec.status = status
    spec.reason = reason
    spec.decided_by = actor.id
    spec.decided_at = utcnow()
    session.flush()


def delete_draft(spec: Specification, organization_id: int) -> None:
    """The sender deletes its draft; its batches are free for another specification."""
    spec, batches = _lock(spec)
    _side(spec, organization_id, sender=True)
    _expect(spec, terms.SPEC_DRAFT)
    audit("dmdk.spec.delete", "dmdk_specification", spec.id, _snapshot(spec, batches), None)
    for batch in batches:
        batch.specification_id = None
    session.execute(delete(SpecificationItem).where(SpecificationItem.specification_id == spec.id))
    session.delete(spec)
    session.flush()


def specification_of(organization_id: int, spec_id: int) -> Specification | None:
    """Specification ``spec_id`` when ``organization_id`` sends or receives it (else ``None``; a draft is the
    sender's only)."""
    return session.scalar(
        select(Specification).where(
            Specification.id == spec_id,
            or_(
                Specification.sender_id == organization_id,
                (Specification.receiver_id == organization_id) & (Specification.status != terms.SPEC_DRAFT),
            ),
        )
    )


def specifications_of(organization_id: int) -> Select:
    """The statement of the organization's specifications, sent or received (others' drafts left out)."""
    return select(Specification).where(
        or_(
            Specification.sender_id == organization_id,
            (Specification.receiver_id == organization_id) & (Specification.status != terms.SPEC_DRAFT),
        )
    )


def batches_in(spec: Specification) -> list[Batch]:
    """The batches the specification lists, in the order of their УИН."""
    return list(
        session.scalars(
            select(Batch)
            .join(SpecificationItem, SpecificationItem.batch_id == Batch.id)
            .where(SpecificationItem.specification_id == spec.id)
            .order_by(Batch.uin)
        )
    )


def names(organization_ids: Sequence[int]) -> dict[int, str]:
    """Organization names by id (for lists of specifications)."""
    rows = session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(set(organization_ids))))
    return {organization_id: name for organization_id, name in rows}
