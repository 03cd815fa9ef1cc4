"""Batches of an organization: creating one (draft, a УИН generated or given), registering, writing off with a
reason, deleting a draft; the organization's list; what a buyer may read about a УИН.

Every change is audited (``dmdk.batch.*``). A change of status locks the batch's row (``SELECT … FOR UPDATE`` on
PostgreSQL) and checks the status inside the lock, so two requests never both act on one batch. A refused action
raises ``core.api.Refused`` (stable codes, words in the reader's language) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from core.api import Organization, Refusal, Refused, User, audit, session, utcnow
from plugins.dmdk.batches import terms, uin
from plugins.dmdk.batches.models import Batch


@dataclass(frozen=True)
class BatchInput:
    """What a new batch is made of (as the form, the API and a CSV line give it, already checked)."""

    kind: str
    name: str
    metal: str
    fineness: int  # tenths of a per mille
    weight_mg: int
    count: int
    uin: str = ""  # empty: a new one is generated


@dataclass(frozen=True)
class PublicCard:
    """What anyone may read about a УИН: no ids, no history, no owner's details but its name."""

    uin: str
    kind: str
    metal: str
    fineness: int
    weight_mg: int
    in_circulation: bool
    organization: str


def snapshot(batch: Batch) -> dict:
    """The batch's fields for the audit log."""
    return {
        "uin": batch.uin,
        "organization_id": batch.organization_id,
        "kind": batch.kind,
        "name": batch.name,
        "metal": batch.metal,
        "fineness": batch.fineness,
        "weight_mg": batch.weight_mg,
        "count": batch.count,
        "status": batch.status,
    }


def uin_taken(number: str) -> bool:
    """Is ``number`` the УИН of a batch of this tenant already?"""
    return session.scalar(select(Batch.id).where(Batch.uin == number)) is not None


def taken_uins(numbers: Sequence[str]) -> set[str]:
    """Which of ``numbers`` are УИНs of batches of this tenant already."""
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        found |= set(session.scalars(select(Batch.uin).where(Batch.uin.in_(numbers[start : start + 500]))))
    return found


def _uin_refusal() -> Refused:
    return Refused([Refusal("uin_taken", _l("A batch with this UIN is already registered."))])


def create(actor: User | None, organization_id: int, data: BatchInput, *, register: bool = False) -> Batch:
    """A new batch of ``organization_id`` (a draft, or registered at once); raises ``Refused`` ``uin_taken``."""
    number = uin.normalize(data.uin)
    if number and uin_taken(number):
        raise _uin_refusal()
    now = utcnow()
    batch = Batch(
        **{**asdict(data), "uin": number or uin.generate(uin_taken)},
        organization_id=organization_id,
        status=terms.REGISTERED if register else terms.DRAFT,
        created_by=actor.id if actor else None,
        created_at=now,
        registered_at=now if register else None,
    )
    try:
        with session.begin_nested():  # two requests giving one УИН at once: the second is refused, not a 500
            session.add(batch)
            session.flush()
    except IntegrityError:
        raise _uin_refusal() from None
    audit("dmdk.batch.create", "dmdk_batch", batch.uin, None, snapshot(batch))
    return batch


def lock(batch_ids: Sequence[int]) -> list[Batch]:
    """The batches ``batch_ids`` of this tenant, their rows locked in the order of their ids, read afresh."""
    if not batch_ids:
        return []
    return list(
        session.scalars(
            select(Batch)
            .where(Batch.id.in_(sorted(set(batch_ids))))
            .order_by(Batch.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _locked(batch: Batch) -> Batch:
    found = lock([batch.id])
    if not found:
        raise Refused([Refusal("gone", _l("The batch no longer exists."))])
    return found[0]


def register(batch: Batch) -> Batch:
    """Draft → registered; raises ``Refused`` ``not_draft`` for a batch registered already."""
    batch = _locked(batch)
    if batch.status != terms.DRAFT:
        raise Refused([Refusal("not_draft", _l("Only a draft can be registered: this batch is registered already."))])
    before = snapshot(batch)
    batch.status = terms.REGISTERED
    batch.registered_at = utcnow()
    audit("dmdk.batch.register", "dmdk_batch", batch.uin, before, snapshot(batch))
    return batch


def write_off(batch: Batch, reason: str) -> Batch:
    """Registered (and in no specification) → written off, with ``reason``."""
    batch = _locked(batch)
    if batch.specification_id is not None or batch.status == terms.IN_TRANSFER:
        raise Refused(
            [
                Refusal(
                    "in_specification",
                    _l("The batch is in a transfer specification: it cannot be written off until the transfer ends."),
                )
            ]
        )
    if batch.status != terms.REGISTERED:
        raise Refused([Refusal("not_registered", _l("Only a registered batch can be written off."))])
    before = snapshot(batch)
    batch.status = terms.WRITTEN_OFF
    batch.write_off_reason = reason
    batch.written_off_at = utcnow()
    audit("dmdk.batch.write_off", "dmdk_batch", batch.uin, before, {**snapshot(batch), "reason": reason})
    return batch


def delete_draft(batch: Batch) -> None:
    """Delete a draft (a registered batch is never deleted: it is written off)."""
    batch = _locked(batch)
    if batch.status != terms.DRAFT:
        raise Refused([Refusal("not_draft", _l("Only a draft can be deleted; write a registered batch off."))])
    audit("dmdk.batch.delete", "dmdk_batch", batch.uin, snapshot(batch), None)
    session.delete(batch)
    session.flush()


def batch_of(organization_id: int, batch_id: int) -> Batch | None:
    """Batch ``batch_id`` when ``organization_id`` owns it (another organization's or tenant's: ``None``)."""
    return session.scalar(select(Batch).where(Batch.id == batch_id, Batch.organization_id == organization_id))


def batches_of(organization_id: int, status: str | None = None) -> Select:
    """The statement of the organization's batches (``status``: only those), without an order."""
    stmt = select(Batch).where(Batch.organization_id == organization_id)
    if status:
        stmt = stmt.where(Batch.status == status)
    return stmt


def transferable(organization_id: int) -> list[Batch]:
    """The organization's registered batches in no specification, newest first (what a specification may list)."""
    return list(
        session.scalars(
            batches_of(organization_id, terms.REGISTERED)
            .where(Batch.specification_id.is_(None))
            .order_by(Batch.id.desc())
            .limit(1000)
        )
    )


def public_card(number: str) -> PublicCard | None:
    """What a buyer may read about the batch with УИН ``number`` (a draft is not in circulation yet: ``None``)."""
    row = session.execute(
        select(Batch, Organization.name)
        .join(Organization, Organization.id == Batch.organization_id)
        .where(Batch.uin == uin.normalize(number), Batch.status != terms.DRAFT)
    ).first()
    if row is None:
        return None
    batch, name = row
    return PublicCard(
        uin=batch.uin,
        kind=batch.kind,
        metal=batch.metal,
        fineness=batch.fineness,
        weight_mg=batch.weight_mg,
        in_circulation=batch.status != terms.WRITTEN_OFF,
        organization=name,
    )
