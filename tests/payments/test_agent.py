"""The payment agent's endpoint (OSMP check → pay) through the Flask test client, in the protocol's wire format."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.testing.fixtures import tenant_path

LOGIN, PASSWORD = "qiwi", "Agent-Pa55-word"
AGENT_IP = "91.232.230.7"
URL = "/payments/agent/osmp"


@dataclass
class World:
    tenant: object
    number: str


def configure(app, tenant, **values) -> None:
    from core.db import session, tenant_scope
    from core.settings.service import get_settings, save_settings

    with app.app_context(), tenant_scope(tenant.id):
        save_settings("payments.agent", get_settings("payments.agent") | values)
        session.commit()


@pytest.fixture
def world(app, make_tenant) -> World:
    from core.accounts.service import open_account
    from core.db import session, tenant_scope

    tenant = make_tenant("isp", timezone="Asia/Yekaterinburg")
    configure(app, tenant, enabled=True, login=LOGIN, password=PASSWORD, allowed_ips=f"{AGENT_IP}, 10.1.0.0/16")
    with app.app_context(), tenant_scope(tenant.id):
        open_account("100200", holder_name="Иванов Иван")
        session.commit()
    return World(tenant, "100200")


def auth(login: str = LOGIN, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def call(client, tenant, params, *, ip: str = AGENT_IP, headers=None, method: str = "GET"):
    """One agent request; returns (HTTP status, parsed XML answer as a dict)."""
    kwargs = {"headers": auth() if headers is None else headers, "environ_base": {"REMOTE_ADDR": ip}}
    if method == "GET":
        response = client.get(tenant_path(tenant, URL), query_string=params, **kwargs)
    else:
        response = client.post(tenant_path(tenant, URL), data=params, **kwargs)
    assert response.mimetype == "text/xml", response.get_data(as_text=True)[:500]
    root = ET.fromstring(response.get_data())
    assert root.tag == "response"
    return response.status_code, {child.tag: (child.text or "") for child in root}


def pay_params(txn_id="1000001", account="100200", total="150.00", date="20261201153000") -> dict:
    return {"command": "pay", "txn_id": txn_id, "account": account, "sum": total, "txn_date": date}


def books(app, tenant, number="100200") -> tuple[int, int]:
    """(the account's balance, how many payments the tenant has)."""
    from core.accounts.service import find_account
    from core.db import session, tenant_scope
    from core.payments.models import Payment

    with app.app_context(), tenant_scope(tenant.id):
        return find_account(number).balance, session.scalar(select(func.count()).select_from(Payment))


# -- check and pay ----------------------------------------------------------------------------------


def test_check_answers_ok_for_a_known_account_and_posts_nothing(app, client, world):
    status, answer = call(
        client, world.tenant, {"command": "check", "txn_id": "555", "account": "100200", "sum": "10.45"}
    )
    assert status == 200
    assert answer == {"osmp_txn_id": "555", "sum": "10.45", "result": "0", "comment": "OK"}
    assert books(app, world.tenant) == (0, 0)


def test_check_says_5_for_an_unknown_account_and_4_for_a_malformed_one(client, world):
    assert call(client, world.tenant, {"command": "check", "txn_id": "1", "account": "999999"})[1]["result"] == "5"
    assert call(client, world.tenant, {"command": "check", "txn_id": "1", "account": "<x>"})[1]["result"] == "4"


def test_pay_posts_within_the_request_and_a_repeat_answers_the_same_prv_txn(app, client, world):
    status, first = call(client, world.tenant, pay_params())
    assert status == 200 and first["result"] == "0" and first["sum"] == "150.00" and first["osmp_txn_id"] == "1000001"
    assert first["prv_txn"].isdigit()
    assert books(app, world.tenant) == (15_000, 1)
    status, again = call(client, world.tenant, pay_params(), method="POST")
    assert status == 200 and again == first
    assert books(app, world.tenant) == (15_000, 1)


def test_the_payment_is_dated_by_txn_date_in_the_tenants_zone_and_logged(app, client, world):
    from core.db import session, tenant_scope
    from core.payments.models import AGENT, GatewayNotification, Payment

    call(client, world.tenant, pay_params())
    call(client, world.tenant, pay_params())
    with app.app_context(), tenant_scope(world.tenant.id):
        payment = session.scalar(select(Payment))
        assert payment.channel == AGENT and payment.external_id == "1000001"
        assert payment.paid_at.isoformat().startswith("2026-12-01T10:30:00")  # 15:30 in Yekaterinburg, UTC+5
        log = [
            (n.outcome, n.remote_addr)
            for n in session.scalars(select(GatewayNotification).order_by(GatewayNotification.id))
        ]
        assert log == [("posted", AGENT_IP), ("duplicate", AGENT_IP)]


def test_a_used_txn_id_with_another_sum_or_account_is_refused_and_posts_nothing(app, client, world):
    from core.accounts.service import open_account
    from core.db import session, tenant_scope

    with app.app_context(), tenant_scope(world.tenant.id):
        open_account("100201")
        session.commit()
    call(client, world.tenant, pay_params())
    assert call(client, world.tenant, pay_params(total="151.00"))[1]["result"] == "300"
    assert call(client, world.tenant, pay_params(account="100201"))[1]["result"] == "300"
    assert books(app, world.tenant) == (15_000, 1)
    assert books(app, world.tenant, "100201")[0] == 0


def test_pay_for_an_unknown_account_or_out_of_limits_posts_nothing(app, client, world):
    configure(app, world.tenant, min_amount=1000, max_amount=100_000)
    assert call(client, world.tenant, pay_params(account="7777"))[1]["result"] == "5"
    assert call(client, world.tenant, pay_params(total="9.99"))[1]["result"] == "241"
    assert call(client, world.tenant, pay_params(total="1000.01"))[1]["result"] == "242"
    assert books(app, world.tenant) == (0, 0)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"command": "refund", "txn_id": "1", "account": "100200"},
        {"command": "pay", "txn_id": "12a", "account": "100200", "sum": "1.00", "txn_date": "20261201000000"},
        {"command": "pay", "txn_id": "1" * 21, "account": "100200", "sum": "1.00", "txn_date": "20261201000000"},
        {"command": "pay", "txn_id": "-1", "account": "100200", "sum": "1.00", "txn_date": "20261201000000"},
        pay_params(total="1e5"),
        pay_params(total="-5.00"),
        pay_params(total="10.456"),
        pay_params(total="NaN"),
        pay_params(total="0.00"),
        pay_params(total="99999999999999999999.00"),
        pay_params(total=""),
        pay_params(date="20261399250000"),
        pay_params(date="2026-12-01"),
        pay_params(date=""),
        pay_params(account=""),
        pay_params(account="1" * 5000),
        pay_params(account="100200\x00"),
        pay_params(account="' OR 1=1 --"),
        pay_params(txn_id="1\n2"),
        {"command": "pay" * 1000, "txn_id": "1"},
    ],
)
def test_hostile_input_gets_a_protocol_error_code_never_a_500(app, client, world, params):
    for method in ("GET", "POST"):
        status, answer = call(client, world.tenant, params, method=method)
        assert status == 200
        assert answer["result"] in {"4", "5", "241", "300"}
        assert "prv_txn" not in answer
    assert books(app, world.tenant) == (0, 0)


def test_the_error_answer_echoes_only_a_well_formed_txn_id(client, world):
    assert call(client, world.tenant, pay_params(txn_id="42", total="x"))[1]["osmp_txn_id"] == "42"
    assert call(client, world.tenant, pay_params(txn_id="<b>", total="1.00"))[1]["osmp_txn_id"] == ""


# -- who may call -----------------------------------------------------------------------------------


def test_without_or_with_wrong_credentials_the_answer_is_401_and_nothing_is_posted(app, client, world):
    status, answer = call(client, world.tenant, pay_params(), headers={})
    assert status == 401 and answer["result"] == "300"
    status, answer = call(client, world.tenant, pay_params(), headers=auth(password="guess"))
    assert status == 401
    status, answer = call(client, world.tenant, pay_params(), headers={"Authorization": "Basic !!!"})
    assert status == 401
    assert books(app, world.tenant) == (0, 0)


def test_an_address_off_the_allow_list_is_refused_even_with_the_password(app, client, world):
    assert call(client, world.tenant, pay_params(), ip="203.0.113.5")[0] == 403
    assert call(client, world.tenant, pay_params(), ip="10.1.200.3")[1]["result"] == "0"  # inside 10.1.0.0/16
    configure(app, world.tenant, allowed_ips="")
    assert call(client, world.tenant, pay_params(txn_id="2"), ip=AGENT_IP)[0] == 403  # empty list: nobody
    assert books(app, world.tenant) == (15_000, 1)


def test_switched_off_the_endpoint_is_not_there(app, client, world):
    configure(app, world.tenant, enabled=False)
    response = client.get(tenant_path(world.tenant, URL), query_string=pay_params(), headers=auth())
    assert response.status_code == 404


def test_one_tenants_agent_credentials_do_not_open_another_tenant(app, client, world, make_tenant):
    other = make_tenant("other")
    configure(app, other, enabled=True, login="gorod", password="Other-Pa55", allowed_ips=AGENT_IP)
    assert call(client, other, pay_params(), headers=auth())[0] == 401
    assert call(client, world.tenant, pay_params(), headers=auth("gorod", "Other-Pa55"))[0] == 401


# -- reconciliation with the next day's registry (both orders) ---------------------------------------


def registry_file(*lines: tuple[str, str, str]) -> bytes:
    rows = [
        f"01-12-2026;10-15-00;8597;8597/0001;{pid};{acc};Иванов;адрес;1126;{amt};{amt};0.00" for pid, acc, amt in lines
    ]
    total = sum(int(amt.replace(".", "")) for _p, _a, amt in lines)
    rows.append(f"={len(lines)};{total // 100}.{total % 100:02d};0.00;0.00;12345;01-12-2026")
    return ("\r\n".join(rows) + "\r\n").encode("cp1251")


def import_file(app, tenant, data: bytes):
    from core.db import session, tenant_scope
    from core.payments.registry import import_registry, report_figures

    with app.app_context(), tenant_scope(tenant.id):
        imported = import_registry(data, "day.txt", "tester")
        session.commit()
        return report_figures(imported)


def test_agent_first_then_registry_counts_the_payment_once(app, client, world):
    from core.db import tenant_scope
    from core.ledger import service as ledger

    call(client, world.tenant, pay_params(txn_id="1000001"))
    figures = import_file(
        app, world.tenant, registry_file(("1000001", "100200", "150.00"), ("1000002", "100200", "50.00"))
    )
    assert (figures["duplicates"], figures["duplicates_total"]) == (1, 15_000)
    assert (figures["matched"], figures["matched_total"]) == (1, 5_000)
    assert books(app, world.tenant) == (20_000, 2)
    with app.app_context(), tenant_scope(world.tenant.id):
        assert ledger.balance(ledger.clearing_account("sberbank")) == -20_000
        assert ledger.check() == []


def test_registry_first_then_a_late_pay_answers_the_registry_payment(app, client, world):
    from core.db import session, tenant_scope
    from core.payments.models import REGISTRY, Payment

    import_file(app, world.tenant, registry_file(("1000001", "100200", "150.00")))
    status, answer = call(client, world.tenant, pay_params(txn_id="1000001"))
    with app.app_context(), tenant_scope(world.tenant.id):
        payment = session.scalar(select(Payment))
        assert payment.channel == REGISTRY
    assert status == 200 and answer["result"] == "0" and answer["prv_txn"] == str(payment.id)
    assert books(app, world.tenant) == (15_000, 1)


def test_a_registry_line_with_another_amount_than_the_agent_posted_is_refused(app, client, world):
    from core.payments.registry import RegistryError

    call(client, world.tenant, pay_params(txn_id="1000001"))
    with pytest.raises(RegistryError) as refused:
        import_file(app, world.tenant, registry_file(("1000001", "100200", "151.00")))
    assert "150.00" in str(refused.value.problems[0])
    assert books(app, world.tenant) == (15_000, 1)


# -- the admin's page --------------------------------------------------------------------------------


def test_the_admin_sets_the_agent_up_and_the_password_is_never_shown_back(app, make_tenant, make_user, login):
    tenant = make_tenant("isp2")
    admin = login(tenant, make_user(tenant, "boss@isp.example", roles=("tenant_admin",)))
    url = tenant_path(tenant, "/admin/settings/payments/agent")
    page = admin.get(url).get_data(as_text=True)
    assert "/payments/agent/osmp" in page and "Платёжный агент" in page
    form = {
        "enabled": "y",
        "login": "qiwi",
        "password": "S3cret-agent",
        "allowed_ips": "91.232.230.0/24",
        "provider": "",
        "min_amount": "100",
        "max_amount": "15000000",
    }
    assert admin.submit(url, form).status_code == 302
    assert "S3cret-agent" not in admin.get(url).get_data(as_text=True)
    bad = admin.submit(url, form | {"allowed_ips": "not-an-address"})
    assert bad.status_code == 400 and "S3cret-agent" not in bad.get_data(as_text=True)
    client = app.test_client()
    status, answer = call(
        client, tenant, pay_params(account="1"), ip="91.232.230.9", headers=auth("qiwi", "S3cret-agent")
    )
    assert status == 200 and answer["result"] == "5"


def test_a_copy_of_pay_racing_the_first_answers_the_same_and_posts_once(app, client, world, monkeypatch):
    """Two copies of one ``pay`` at the same moment: the second does not see the first's row when it looks,
    its insert then meets the unique order id, and it answers the first's ``prv_txn``."""
    from core.payments.agent import service

    status, first = call(client, world.tenant, pay_params())
    looked = []
    real = service._posted

    def not_yet(order_id):
        looked.append(order_id)
        return None if len(looked) == 1 else real(order_id)

    monkeypatch.setattr(service, "_posted", not_yet)
    status, again = call(client, world.tenant, pay_params())
    assert len(looked) == 2 and status == 200 and again == first
    assert books(app, world.tenant) == (15_000, 1)
