"""PayKeeper card payments through the Flask test client: link, limits, notifications, sandbox, pages."""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.testing.fixtures import tenant_path

SECRET = "pk-secret-Zq81"
SERVER = "https://isp.server.paykeeper.ru"


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@dataclass
class World:
    tenant: object
    account_id: int
    account_number: str
    subscriber: object


def configure(app, tenant, **values) -> None:
    """Change some of the tenant's PayKeeper settings (as an admin would) and commit."""
    from core.db import session, tenant_scope
    from core.settings.service import get_settings, save_settings

    with app.app_context(), tenant_scope(tenant.id):
        save_settings("payments.paykeeper", get_settings("payments.paykeeper") | values)
        session.commit()


def make_world(app, make_tenant, make_user, slug: str = "isp", number: str = "5001", **settings) -> World:
    """A tenant with PayKeeper configured (``settings`` override), one account and its subscriber."""
    from core.accounts.service import grant_access, open_account
    from core.db import session, tenant_scope
    from core.identity.models import User

    tenant = make_tenant(slug, login_identifier="contract")
    subscriber = make_user(tenant, number, roles=("subscriber",))
    configure(app, tenant, **({"secret": SECRET, "sandbox": False, "server_url": SERVER} | settings))
    with app.app_context(), tenant_scope(tenant.id):
        account = open_account(number, holder_name="Иванов Иван")
        grant_access(session.get(User, subscriber.id), account)
        session.commit()
        return World(tenant, account.id, account.number, subscriber)


def new_order(app, world: World, amount: int) -> str:
    """A card order waiting for PayKeeper (created the way the top-up page does)."""
    from core.accounts.models import PersonalAccount
    from core.db import session, tenant_scope
    from core.payments.service import create_card_order

    with app.app_context(), tenant_scope(world.tenant.id):
        order = create_card_order(session.get(PersonalAccount, world.account_id), amount, "paykeeper")
        session.commit()
        return order.order_id


def signed(payment_id: str, total: str, clientid: str, orderid: str, secret: str = SECRET) -> dict[str, str]:
    key = md5(f"{payment_id}{total}{clientid}{orderid}{secret}")
    return {"id": payment_id, "sum": total, "clientid": clientid, "orderid": orderid, "key": key}


@dataclass
class Books:
    balance: int
    transactions: int
    statuses: dict
    log: list  # (outcome, reason, payload) oldest first
    problems: list
    audit: list


def books(app, world: World) -> Books:
    """What the database says now, for ``world``'s tenant."""
    from core.accounts.models import PersonalAccount
    from core.audit.models import AuditEvent
    from core.db import session, tenant_scope
    from core.ledger import service as ledger
    from core.ledger.models import LedgerTransaction
    from core.payments.models import GatewayNotification, Payment

    with app.app_context(), tenant_scope(world.tenant.id):
        account = session.get(PersonalAccount, world.account_id)
        return Books(
            balance=ledger.balance(account.ledger_account),
            transactions=session.scalar(
                select(func.count()).select_from(LedgerTransaction).where(LedgerTransaction.kind == "payment")
            ),
            statuses={p.order_id: p.status for p in session.scalars(select(Payment))},
            log=[
                (n.outcome, n.reason, n.payload, n.remote_addr)
                for n in session.scalars(select(GatewayNotification).order_by(GatewayNotification.id))
            ],
            problems=ledger.check(),
            audit=[
                json.dumps([e.action, e.before, e.after], ensure_ascii=False)
                for e in session.scalars(select(AuditEvent))
            ],
        )


def assert_no_secret_in_logs(state: Books, *values: str) -> None:
    text = json.dumps([state.log, state.audit], ensure_ascii=False)
    for value in (SECRET, *values):
        assert value not in text


@pytest.fixture
def world(app, make_tenant, make_user) -> World:
    return make_world(app, make_tenant, make_user)


def notify_url(world: World) -> str:
    return tenant_path(world.tenant, "/payments/paykeeper/notify")


# --- the protocol ---------------------------------------------------------------------------------


def test_key_answer_and_sums_follow_the_protocol():
    from core.payments import paykeeper

    assert paykeeper.notification_key("1", "100.00", "5001", "o1", "s") == md5("1100.005001o1s")
    assert paykeeper.answer("1", "s") == "OK " + md5("1s")
    assert paykeeper.format_sum(123450) == "1234.50" and paykeeper.format_sum(5) == "0.05"
    assert paykeeper.parse_sum("1234.50") == 123450
    assert paykeeper.parse_sum("1234.5") == 123450
    assert paykeeper.parse_sum("1234") == 123400
    assert paykeeper.parse_sum("0.29") == 29  # float would give 28
    for bad in ("", "1,50", "1.505", "-1.00", " 1.00", "1.00\n", "1e3", "NaN", "١٢٣"):
        assert paykeeper.parse_sum(bad) is None, bad


def test_payment_link_and_amount_limits(app, world):
    from core.accounts.models import PersonalAccount
    from core.db import session, tenant_scope
    from core.payments.paykeeper import start_card_payment
    from core.payments.service import PaymentError

    configure(app, world.tenant, secret="", min_amount=10_000, max_amount=500_000)  # empty secret keeps the old one
    with app.test_request_context("/", base_url="http://isp.example/t/isp"), tenant_scope(world.tenant.id):
        account = session.get(PersonalAccount, world.account_id)
        with pytest.raises(PaymentError, match=r"smallest|Минимальная"):
            start_card_payment(account, 9_999)
        with pytest.raises(PaymentError, match=r"largest|Максимальная"):
            start_card_payment(account, 500_001)
        payment, url = start_card_payment(account, 123_450)
        assert payment.amount == 123_450 and payment.status == "created" and payment.provider == "paykeeper"
        base, _, query = url.partition("?")
        assert base == f"{SERVER}/create/"
        fields = urllib.parse.parse_qs(query)
        assert fields["sum"] == ["1234.50"]
        assert fields["orderid"] == [payment.order_id]
        assert fields["clientid"] == ["5001"]
        assert fields["service_name"] == ["Оплата услуг связи"]
        # the tenant's configured address (BASE_URL/t/isp), not the host this request named
        assert fields["user_result_callback"] == [f"http://localhost/t/isp/payments/return/{payment.order_id}"]
        session.rollback()
    configure(app, world.tenant, enabled=False)
    turned_off = pytest.raises(PaymentError, match=r"turned off|отключена")
    with app.test_request_context("/"), tenant_scope(world.tenant.id), turned_off:
        start_card_payment(session.get(PersonalAccount, world.account_id), 50_000)


def test_without_a_secret_card_payments_are_not_set_up(app, make_tenant, make_user):
    from core.accounts.models import PersonalAccount
    from core.db import session, tenant_scope
    from core.payments.paykeeper import start_card_payment
    from core.payments.service import PaymentError

    world = make_world(app, make_tenant, make_user, secret="")
    refused = pytest.raises(PaymentError, match=r"not set up|не настроена")
    with app.test_request_context("/"), tenant_scope(world.tenant.id), refused:
        start_card_payment(session.get(PersonalAccount, world.account_id), 50_000)
    order = new_order(app, world, 10_000)
    response = app.test_client().post(notify_url(world), data=signed("77", "100.00", "5001", order, secret=""))
    assert response.status_code == 403
    assert books(app, world).balance == 0


def test_sandbox_link_leads_to_the_local_sandbox_page(app, world):
    from core.accounts.models import PersonalAccount
    from core.db import session, tenant_scope
    from core.payments.paykeeper import start_card_payment

    configure(app, world.tenant, sandbox=True)
    with app.test_request_context("/", base_url="http://localhost/t/isp"), tenant_scope(world.tenant.id):
        payment, url = start_card_payment(session.get(PersonalAccount, world.account_id), 50_000)
        assert url == f"http://localhost/t/isp/payments/sandbox/{payment.order_id}"
        session.rollback()


def test_sandbox_is_never_active_in_production(app):
    from core.payments.paykeeper import notification_secret, sandbox_active

    with app.app_context():
        assert sandbox_active({"sandbox": True}) and notification_secret({"sandbox": True, "secret": ""})
        app.config["ABONENT_ENV"] = "production"
        assert not sandbox_active({"sandbox": True})
        assert notification_secret({"sandbox": True, "secret": ""}) is None


# --- notifications --------------------------------------------------------------------------------


def test_a_valid_notification_posts_once_and_a_repeat_posts_nothing(app, world):
    order = new_order(app, world, 123_450)
    client = app.test_client()
    fields = signed("9000123", "1234.50", "5001", order)

    first = client.post(notify_url(world), data=fields)
    assert first.status_code == 200
    assert first.mimetype == "text/plain"
    assert first.get_data(as_text=True) == "OK " + md5("9000123" + SECRET)
    state = books(app, world)
    assert state.balance == 123_450
    assert state.transactions == 1
    assert state.statuses == {order: "posted"}
    assert state.problems == []

    again = client.post(notify_url(world), data=fields)
    assert again.status_code == 200
    assert again.get_data(as_text=True) == "OK " + md5("9000123" + SECRET)
    state = books(app, world)
    assert (state.balance, state.transactions) == (123_450, 1)
    assert [entry[0] for entry in state.log] == ["posted", "duplicate"]
    assert state.log[0][2]["key"] != fields["key"] and state.log[0][2]["orderid"] == order
    assert state.problems == []
    assert_no_secret_in_logs(state, fields["key"])


def test_the_payment_is_recorded_on_the_order(app, world):
    from core.db import session, tenant_scope
    from core.payments.models import Payment

    order = new_order(app, world, 50_000)
    app.test_client().post(notify_url(world), data=signed("4242", "500.00", "5001", order))
    with app.app_context(), tenant_scope(world.tenant.id):
        payment = session.scalar(select(Payment).where(Payment.order_id == order))
        assert payment.external_id == "4242" and payment.paid_at is not None and payment.transaction_id


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("bad key", 403, "bad key"),
        ("key of another secret", 403, "bad key"),
        ("unknown order", 404, "unknown order"),
        ("sum mismatch", 409, "sum does not match"),
        ("sum with more kopecks", 409, "sum does not match"),
        ("sum not an amount", 400, "not an amount"),
        ("no key", 400, "required"),
        ("card payments off", 403, "turned off"),
    ],
)
def test_refused_notifications_post_nothing_and_are_logged(app, world, caplog, case, status, reason):
    order = new_order(app, world, 10_000)
    fields = signed("555", "100.00", "5001", order)
    if case == "bad key":
        fields["key"] = "0" * 32
    elif case == "key of another secret":
        fields = signed("555", "100.00", "5001", order, secret="guess")
    elif case == "unknown order":
        fields = signed("555", "100.00", "5001", "no-such-order")
    elif case == "sum mismatch":
        fields = signed("555", "1000.00", "5001", order)
    elif case == "sum with more kopecks":
        fields = signed("555", "100.01", "5001", order)
    elif case == "sum not an amount":
        fields = signed("555", "100,00", "5001", order)
    elif case == "no key":
        del fields["key"]
    elif case == "card payments off":
        configure(app, world.tenant, enabled=False)

    response = app.test_client().post(notify_url(world), data=fields)

    assert response.status_code == status
    assert response.mimetype == "text/plain" and reason in response.get_data(as_text=True)
    state = books(app, world)
    assert (state.balance, state.transactions) == (0, 0)
    assert state.statuses == {order: "created"}
    assert len(state.log) == 1
    outcome, logged_reason, payload, remote = state.log[0]
    assert outcome == "refused" and reason in logged_reason and remote == "127.0.0.1"
    assert payload.get("id") == "555"
    assert state.problems == []
    assert_no_secret_in_logs(state, *([fields["key"]] if "key" in fields else []))
    assert SECRET not in caplog.text


def test_a_second_payment_of_a_paid_order_is_posted_as_its_own(app, world):
    order = new_order(app, world, 10_000)
    client = app.test_client()
    assert client.post(notify_url(world), data=signed("1001", "100.00", "5001", order)).status_code == 200
    second = signed("1002", "100.00", "5001", order)
    for _ in range(2):
        response = client.post(notify_url(world), data=second)
        assert response.get_data(as_text=True) == "OK " + md5("1002" + SECRET)
    state = books(app, world)
    assert (state.balance, state.transactions) == (20_000, 2)
    assert [entry[0] for entry in state.log] == ["posted", "posted", "duplicate"]
    assert "second payment" in state.log[1][1]
    assert sorted(state.statuses.values()) == ["posted", "posted"]
    assert state.problems == []


def test_a_payment_id_is_not_reused_for_another_order(app, world):
    first, other = new_order(app, world, 10_000), new_order(app, world, 10_000)
    client = app.test_client()
    assert client.post(notify_url(world), data=signed("31", "100.00", "5001", first)).status_code == 200
    response = client.post(notify_url(world), data=signed("31", "100.00", "5001", other))
    assert response.status_code == 409
    state = books(app, world)
    assert (state.balance, state.transactions) == (10_000, 1)
    assert state.statuses[other] == "created"


def test_another_tenants_order_is_unknown_here(app, make_tenant, make_user, world):
    other = make_world(app, make_tenant, make_user, slug="other", number="5001")
    order = new_order(app, other, 10_000)
    # Signed with the secret of ``world``'s tenant (the same secret), sent to ``world``'s site.
    response = app.test_client().post(notify_url(world), data=signed("8", "100.00", "5001", order))
    assert response.status_code == 404
    assert books(app, other).balance == 0 and books(app, world).balance == 0


# --- pages ----------------------------------------------------------------------------------------


def test_return_page_shows_the_order_to_its_subscriber_only(app, world, make_tenant, make_user, login):
    from core.accounts.service import open_account
    from core.db import session, tenant_scope

    order = new_order(app, world, 25_000)
    url = tenant_path(world.tenant, f"/payments/return/{order}")
    mine = login(world.tenant, world.subscriber)
    page = mine.get(url)
    assert page.status_code == 200
    assert "5001" in page.get_data(as_text=True)
    check_again = f'href="{url}"'
    assert check_again in page.get_data(as_text=True)

    app.test_client().post(notify_url(world), data=signed("3", "250.00", "5001", order))
    page = mine.get(url)
    assert page.status_code == 200 and check_again not in page.get_data(as_text=True)

    neighbour = make_user(world.tenant, "5002", roles=("subscriber",))
    with app.app_context(), tenant_scope(world.tenant.id):
        open_account("5002")
        session.commit()
    assert login(world.tenant, neighbour).get(url).status_code == 404
    operator = make_user(world.tenant, "op-1", roles=("operator",))
    assert login(world.tenant, operator).get(url).status_code == 200
    assert app.test_client().get(url).status_code == 302  # logged out → login page

    stranger_site = make_world(app, make_tenant, make_user, slug="other", number="7001")
    stranger = login(stranger_site.tenant, stranger_site.subscriber)
    assert stranger.get(tenant_path(stranger_site.tenant, f"/payments/return/{order}")).status_code == 404


def test_sandbox_page_exists_only_in_sandbox_mode(app, world, login):
    order = new_order(app, world, 10_000)
    client = login(world.tenant, world.subscriber)
    url = tenant_path(world.tenant, f"/payments/sandbox/{order}")
    assert client.get(url).status_code == 404
    configure(app, world.tenant, sandbox=True)
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "5001" in text and 'name="payment_id"' in text and '<label for="card-number">' in text


@pytest.fixture
def loopback_sender(app):
    """Deliver sandbox notifications through a second test client (no sockets in the test client)."""
    sent = []

    def send(url: str, fields: dict[str, str]) -> tuple[int, str]:
        sent.append((url, dict(fields)))
        with app.app_context():  # the gateway's request is a separate one, as over the network
            response = app.test_client().post(urllib.parse.urlsplit(url).path, data=fields)
        return response.status_code, response.get_data(as_text=True)

    app.config["PAYKEEPER_SENDER"] = send
    return sent


def test_sandbox_pay_button_sends_a_signed_notification(app, world, login, loopback_sender):
    from core.payments.paykeeper import SANDBOX_SECRET

    configure(app, world.tenant, sandbox=True, secret="", server_url="")
    with app.app_context():  # an empty secret on save keeps the stored one; clear it for this test
        from core.db import session, tenant_scope
        from core.settings.models import TenantSettings

        with tenant_scope(world.tenant.id):
            row = session.scalar(select(TenantSettings).where(TenantSettings.namespace == "payments.paykeeper"))
            row.values = {**row.values, "secret": ""}
            session.commit()
    order = new_order(app, world, 77_700)
    client = login(world.tenant, world.subscriber)
    url = tenant_path(world.tenant, f"/payments/sandbox/{order}")
    token = client.csrf_token(url)
    form = {"csrf_token": token, "payment_id": "123456789012"}
    response = client.post(url, data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/isp/payments/return/{order}")
    client.post(url, data=form)  # a double submit: the order is paid, nothing is sent again

    assert len(loopback_sender) == 1
    sent_url, fields = loopback_sender[0]
    assert sent_url == "http://localhost/t/isp/payments/paykeeper/notify"
    assert fields["sum"] == "777.00" and fields["clientid"] == "5001" and fields["orderid"] == order
    assert fields["key"] == md5(f"123456789012777.005001{order}{SANDBOX_SECRET}")
    state = books(app, world)
    assert state.balance == 77_700 and state.statuses == {order: "posted"} and state.problems == []
    page = client.get(tenant_path(world.tenant, f"/payments/return/{order}")).get_data(as_text=True)
    assert "777" in page


def test_sandbox_of_another_subscriber_or_tenant_is_404(app, world, make_tenant, make_user, login, loopback_sender):
    configure(app, world.tenant, sandbox=True)
    order = new_order(app, world, 10_000)
    other = make_world(app, make_tenant, make_user, slug="other", number="7001", sandbox=True)
    stranger = login(other.tenant, other.subscriber)
    url = tenant_path(other.tenant, f"/payments/sandbox/{order}")
    token = stranger.csrf_token(tenant_path(other.tenant, "/profile"))
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, data={"csrf_token": token}).status_code == 404
    neighbour = make_user(world.tenant, "5003", roles=("subscriber",))
    assert (
        login(world.tenant, neighbour).get(tenant_path(world.tenant, f"/payments/sandbox/{order}")).status_code == 404
    )
    assert loopback_sender == [] and books(app, world).balance == 0


def test_sandbox_notification_goes_to_the_sites_configured_address(app, world, login, loopback_sender):
    """Issue #10, finding 11: the pay button posts to the site's own address, whatever the request's host."""
    from core.db import session, tenant_scope
    from core.settings.service import save_settings

    configure(app, world.tenant, sandbox=True)
    order = new_order(app, world, 10_000)
    client = login(world.tenant, world.subscriber)
    url = tenant_path(world.tenant, f"/payments/sandbox/{order}")
    form = {"csrf_token": client.csrf_token(url), "payment_id": "123456789012"}
    forged = client.post(url, data=form, headers={"Host": "evil.example"})
    assert forged.status_code == 400 and "evil.example" in forged.get_data(as_text=True)  # the unknown-host answer
    assert loopback_sender == []
    with app.app_context(), tenant_scope(world.tenant.id):
        save_settings("site", {"url": "https://pay.isp.example"})
        session.commit()
    client.post(url, data=form)
    assert [sent_url for sent_url, _fields in loopback_sender] == ["https://pay.isp.example/payments/paykeeper/notify"]
