"""Accept and return of one specification at the same moment: exactly one wins, the batches end in one state.

PostgreSQL only (real row locks between concurrent transactions; SQLite runs writers one at a time). Each thread
has its own app context, so its own database session, connection and transaction; a barrier releases them
together. The services lock the specification's row, then its batches in id order, and check the status inside
the lock: the second transaction waits for the first, then finds the specification decided.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.api import Refused, User, session, tenant_scope
from plugins.dmdk.batches import terms, transfers
from plugins.dmdk.batches.models import Specification, SpecificationItem
from tests.plugins.dmdk.market import NEVA, batch_row, make_batch, make_specification, spec_status


@pytest.fixture
def postgres_only(abonent_database):
    if abonent_database.dialect != "postgresql":
        pytest.skip("real row-lock concurrency is PostgreSQL's (run with ABONENT_TEST_DATABASE_URL)")


def at_once(*works) -> list:
    """Run each of ``works`` in its own thread, released together; what each returned (or raised)."""
    results: list = [None] * len(works)
    start = threading.Barrier(len(works))

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            results[index] = works[index]()
        except BaseException as error:  # reported by the caller's assertion
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def attempt(app, tenant, action):
    """``action()`` in a request of ``tenant`` with its own transaction: "ok", or the refusal's codes."""

    def work() -> str:
        with app.test_request_context(), tenant_scope(tenant.id):
            try:
                action()
                session.commit()
                return "ok"
            except Refused as refused:
                session.rollback()
                return ",".join(reason.code for reason in refused.reasons)

    return work


def _decision(app, tenant, member, spec_id: int, verb: str):
    def action() -> None:
        actor = session.get(User, member.user.id)
        spec = session.get(Specification, spec_id)
        if verb == "accept":
            transfers.accept(actor, spec, member.id)
        else:
            transfers.return_(actor, spec, member.id, "Гонка")

    return attempt(app, tenant, action)


def test_accept_and_return_at_once_one_wins(postgres_only, app, market):
    tenant, north, neva = market("race-ar")
    for _round in range(5):  # whichever comes first, the other is refused
        batches = [make_batch(app, north), make_batch(app, north)]
        spec_id = make_specification(app, north, neva, batches, send=True)
        outcomes = at_once(
            _decision(app, tenant, neva, spec_id, "accept"), _decision(app, tenant, neva, spec_id, "return")
        )
        assert sorted(map(str, outcomes)) == ["already_decided", "ok"], outcomes
        status = spec_status(app, tenant, spec_id)
        owner = neva.id if status == terms.ACCEPTED else north.id
        assert status == (terms.ACCEPTED if outcomes[0] == "ok" else terms.RETURNED)
        for batch_id in batches:
            row = batch_row(app, tenant, batch_id)
            assert (row["organization_id"], row["status"], row["specification_id"]) == (owner, terms.REGISTERED, None)


def test_two_accepts_at_once_accept_once(postgres_only, app, market):
    tenant, north, neva = market("race-aa")
    batches = [make_batch(app, north) for _ in range(3)]
    spec_id = make_specification(app, north, neva, batches, send=True)
    outcomes = at_once(*(_decision(app, tenant, neva, spec_id, "accept") for _ in range(4)))
    assert sorted(map(str, outcomes)) == ["already_decided"] * 3 + ["ok"], outcomes
    assert spec_status(app, tenant, spec_id) == terms.ACCEPTED
    assert {batch_row(app, tenant, b)["organization_id"] for b in batches} == {neva.id}


def test_two_specifications_at_once_take_a_batch_once(postgres_only, app, market):
    tenant, north, _neva = market("race-ss")
    shared = make_batch(app, north)
    own = [make_batch(app, north), make_batch(app, north)]

    def draft(extra: int):
        def action() -> None:
            transfers.create(session.get(User, north.user.id), north.id, NEVA["inn"], [extra, shared])

        return attempt(app, tenant, action)

    outcomes = at_once(draft(own[0]), draft(own[1]))
    assert sorted(map(str, outcomes)) == ["in_specification", "ok"], outcomes
    with app.app_context(), tenant_scope(tenant.id):
        listed = session.scalar(select(func.count()).where(SpecificationItem.batch_id == shared))
        specs = session.scalar(select(func.count(Specification.id)))
    assert (listed, specs) == (1, 1)
    loser = own[1] if outcomes[0] == "ok" else own[0]
    assert batch_row(app, tenant, loser)["specification_id"] is None  # nothing half-done by the refused one
