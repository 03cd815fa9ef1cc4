"""Finding 15: a PayKeeper payment made on PayKeeper's own form has an empty ``orderid``.

The payer typed only the account number (``clientid``). The signature is checked as always
(key = md5(id + sum + clientid + orderid + secret), answer "OK " + md5(id + secret)); the money then
goes to that account, or to suspense when no account has that number. It is never refused, and a
repeated notification posts nothing more.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.payments.test_paykeeper import SECRET, books, make_world, md5, new_order, notify_url, signed


def _payments(app, world):
    from core.db import session, tenant_scope
    from core.payments.models import Payment

    with app.app_context(), tenant_scope(world.tenant.id):
        return [
            (p.status, p.amount, p.account_number, p.personal_account_id, p.external_id)
            for p in session.scalars(select(Payment).order_by(Payment.id))
        ]


def test_a_payment_without_order_is_credited_to_the_clientid_account_once(app, make_tenant, make_user):
    world = make_world(app, make_tenant, make_user)
    client = app.test_client()

    first = client.post(notify_url(world), data=signed("880001", "250.00", "5001", ""))
    again = client.post(notify_url(world), data=signed("880001", "250.00", "5001", ""))

    assert first.status_code == 200 and first.get_data(as_text=True) == "OK " + md5("880001" + SECRET)
    assert again.status_code == 200 and again.get_data(as_text=True) == first.get_data(as_text=True)
    state = books(app, world)
    assert (state.balance, state.transactions, state.problems) == (25_000, 1, [])
    assert _payments(app, world) == [("posted", 25_000, "5001", world.account_id, "880001")]
    assert [outcome for outcome, *_ in state.log] == ["posted", "duplicate"]


def test_a_payment_without_order_for_an_unknown_clientid_goes_to_suspense(app, make_tenant, make_user):
    world = make_world(app, make_tenant, make_user)

    response = app.test_client().post(notify_url(world), data=signed("880002", "99.90", "Иванов 12-34", ""))

    assert response.status_code == 200 and response.get_data(as_text=True) == "OK " + md5("880002" + SECRET)
    state = books(app, world)
    assert (state.balance, state.transactions, state.problems) == (0, 1, [])
    assert _payments(app, world) == [("suspense", 9_990, "Иванов 12-34", None, "880002")]


def test_a_payment_without_order_still_needs_the_right_key(app, make_tenant, make_user):
    world = make_world(app, make_tenant, make_user)
    forged = signed("880003", "250.00", "5001", "", secret="guess")

    response = app.test_client().post(notify_url(world), data=forged)

    assert response.status_code == 403
    assert (books(app, world).balance, _payments(app, world)) == (0, [])


def test_a_payment_id_used_for_an_order_is_not_posted_again_without_one(app, make_tenant, make_user):
    world = make_world(app, make_tenant, make_user)
    order = new_order(app, world, 10_000)
    client = app.test_client()
    assert client.post(notify_url(world), data=signed("880004", "100.00", "5001", order)).status_code == 200

    response = client.post(notify_url(world), data=signed("880004", "100.00", "5001", ""))

    assert response.status_code == 409
    assert books(app, world).balance == 10_000
