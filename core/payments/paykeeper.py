"""PayKeeper card payments: the payment link, the server-to-server notification, and the sandbox.

The protocol (https://docs.paykeeper.ru, "Приём POST-оповещений" and "HTML-форма"):

* The subscriber pays on ``<server_url>/create/?sum=…&orderid=…&clientid=…&service_name=…``.
* PayKeeper then POSTs ``id`` (its payment id), ``sum`` (rubles, ``"100.00"``), ``clientid``,
  ``orderid`` and ``key`` = md5(id + sum + clientid + orderid + secret) to our notification URL
  (``/payments/paykeeper/notify`` on the tenant's site) and expects the answer
  ``"OK " + md5(id + secret)``. Anything else is a refusal and PayKeeper sends again later.

A notification with an empty ``orderid`` is a payment made on PayKeeper's own form, where the payer
typed only the account number (``clientid``): once its key checks out the money is never refused; it
goes to the account with that number, or to suspense for an operator to move.

Money is posted once per PayKeeper payment id (ledger key ``paykeeper:<id>``): a repeated
notification answers the same ``OK …`` and posts nothing more. The order's row is locked first, so
concurrent copies of one notification queue behind each other on PostgreSQL (SQLite serialises
writers anyway). Every notification, accepted or refused, is kept in :class:`GatewayNotification`
with the ``key`` field redacted; the secret itself is never written anywhere.

**Sandbox** (the demo default): the payment link leads to a local test page instead of PayKeeper;
its Pay button makes the server send a real notification to its own notification URL, signed with
the tenant's secret or, when the tenant has none, with :data:`SANDBOX_SECRET` (public, so it only
ever counts in sandbox mode). The sandbox is never active when ``ABONENT_ENV=production``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.accounts.models import PersonalAccount
from core.accounts.service import find_account
from core.db import session, utcnow
from core.ledger.models import LedgerTransaction
from core.ledger.service import LedgerError
from core.money.format import format_money, parse_money
from core.payments.models import CARD, CREATED, GatewayNotification, Payment
from core.payments.service import PaymentError, create_card_order, post_payment
from core.settings.service import SECRET_MASK, get_settings
from core.tenants.models import Tenant
from core.tenants.urls import external_url

PROVIDER = "paykeeper"
SETTINGS = "payments.paykeeper"

#: Signs sandbox notifications when the tenant has not set a secret. It is published here on
#: purpose: it is accepted only while the tenant's sandbox is on (and never in production).
SANDBOX_SECRET = "abonent-paykeeper-sandbox"

POSTED_OUTCOME = "posted"
DUPLICATE_OUTCOME = "duplicate"
REFUSED_OUTCOME = "refused"

_SUM = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,2})?")
_MAX_ID = 100  # Payment.external_id; the ledger key "paykeeper:<id>" stays within 200
_LOGGED_FIELDS = 30
_LOGGED_VALUE = 300

Sender = Callable[[str, dict[str, str]], tuple[int, str]]


# --- settings -------------------------------------------------------------------------------------


def paykeeper_settings() -> dict[str, Any]:
    """The current tenant's PayKeeper settings, defaults filled in."""
    return get_settings(SETTINGS)


def sandbox_active(settings: Mapping[str, Any]) -> bool:
    """The tenant's sandbox is on, and this is not a production installation."""
    production = has_app_context() and current_app.config.get("ABONENT_ENV") == "production"
    return bool(settings.get("sandbox")) and not production


def notification_secret(settings: Mapping[str, Any]) -> str | None:
    """The secret notifications are signed with, or ``None`` when none is configured (refuse them)."""
    if settings.get("secret"):
        return settings["secret"]
    if sandbox_active(settings):
        return SANDBOX_SECRET
    return None


# --- protocol -------------------------------------------------------------------------------------


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def notification_key(id: str, sum: str, clientid: str, orderid: str, secret: str) -> str:
    """The ``key`` PayKeeper signs a notification with: md5 of ``id + sum + clientid + orderid + secret``."""
    return _md5(f"{id}{sum}{clientid}{orderid}{secret}")


def answer(id: str, secret: str) -> str:
    """What we answer an accepted notification with: ``"OK " + md5(id + secret)``."""
    return "OK " + _md5(f"{id}{secret}")


def format_sum(kopecks: int) -> str:
    """``123450`` → ``"1234.50"`` (rubles with two decimals, as PayKeeper writes sums)."""
    return format_money(kopecks, "wire")


def parse_sum(text: str) -> int | None:
    """``"1234.50"`` → ``123450`` kopecks (never float); ``None`` for anything PayKeeper would not write."""
    if not _SUM.fullmatch(text or ""):
        return None
    return parse_money(text, "wire")


# --- starting a payment ---------------------------------------------------------------------------


def payment_link(settings: Mapping[str, Any], payment: Payment, account: PersonalAccount, return_url: str) -> str:
    """Where the subscriber pays ``payment``: PayKeeper's form, or the local sandbox page."""
    if sandbox_active(settings):
        return external_url(session.get(Tenant, payment.tenant_id), "gateway.sandbox", order_id=payment.order_id)
    query = urllib.parse.urlencode(
        {
            "sum": format_sum(payment.amount),
            "orderid": payment.order_id,
            "clientid": account.number,
            "service_name": settings["service_name"],
            "user_result_callback": return_url,
        }
    )
    return f"{settings['server_url'].rstrip('/')}/create/?{query}"


def start_card_payment(account: PersonalAccount, amount_kopecks: int) -> tuple[Payment, str]:
    """Create a card order for ``amount_kopecks`` on ``account`` and return it with its payment link.

    Raises :class:`PaymentError` (a message for the subscriber) when card payments are off or not
    configured, or the amount is outside the tenant's limits. The caller commits.
    """
    settings = paykeeper_settings()
    if not settings["enabled"]:
        raise PaymentError(_("Card payments are turned off."))
    if not sandbox_active(settings) and not (settings["server_url"] and settings["secret"]):
        raise PaymentError(_("Card payments are not set up yet. Please pay another way."))
    if not isinstance(amount_kopecks, int) or isinstance(amount_kopecks, bool):
        raise PaymentError(_("Enter the amount in rubles."))
    if amount_kopecks < settings["min_amount"]:
        raise PaymentError(_("The smallest payment is %(amount)s.", amount=format_money(settings["min_amount"])))
    if amount_kopecks > settings["max_amount"]:
        raise PaymentError(_("The largest payment is %(amount)s.", amount=format_money(settings["max_amount"])))
    payment = create_card_order(account, amount_kopecks, PROVIDER)
    return_url = external_url(
        session.get(Tenant, payment.tenant_id), "gateway.payment_return", order_id=payment.order_id
    )
    return payment, payment_link(settings, payment, account, return_url)


# --- the notification -----------------------------------------------------------------------------


def _redacted(form: Mapping[str, Any]) -> dict[str, str]:
    """What we keep of a notification: ``key`` masked, a bounded number of short fields."""
    kept: dict[str, str] = {}
    for name, value in list(form.items())[:_LOGGED_FIELDS]:
        name = str(name)[:50]
        kept[name] = SECRET_MASK if name == "key" else str(value)[:_LOGGED_VALUE]
    return kept


def _log(form: Mapping[str, Any], remote_addr: str, outcome: str, reason: str = "") -> None:
    session.add(
        GatewayNotification(
            provider=PROVIDER,
            remote_addr=(remote_addr or "")[:45],
            payload=_redacted(form),
            outcome=outcome,
            reason=reason[:300],
        )
    )


def _repeat_order_id(order: Payment, payment_id: str) -> str:
    """The order id of a second payment PayKeeper reports for an order that was already paid."""
    return f"{order.order_id}-{_md5(payment_id)[:16]}"


def handle_notification(form: Mapping[str, Any], remote_addr: str) -> tuple[int, str]:
    """Check one PayKeeper notification and post its money once; ``(HTTP status, plain-text body)``.

    Runs in the current tenant; adds rows to the session and leaves the commit to the caller (the
    notification log row is added in every case, accepted or refused).
    """
    fields = {name: str(form.get(name) or "") for name in ("id", "sum", "clientid", "orderid", "key")}
    payment_id, sum_text, clientid, orderid, key = (fields[n] for n in ("id", "sum", "clientid", "orderid", "key"))

    def refuse(status: int, reason: str) -> tuple[int, str]:
        _log(form, remote_addr, REFUSED_OUTCOME, reason)
        current_app.logger.warning("PayKeeper notification refused: %s (id %r, order %r)", reason, payment_id, orderid)
        return status, reason

    settings = paykeeper_settings()
    if not settings["enabled"]:
        return refuse(403, "card payments are turned off")
    secret = notification_secret(settings)
    if secret is None:
        return refuse(403, "no notification secret is configured")
    if not payment_id or not sum_text or not key:
        return refuse(400, "id, sum and key are required")
    if len(payment_id) > _MAX_ID:
        return refuse(400, "id is too long")
    expected = notification_key(payment_id, sum_text, clientid, orderid, secret)
    if not hmac.compare_digest(expected.encode(), key.lower().encode("utf-8")):
        return refuse(403, "bad key")
    amount = parse_sum(sum_text)
    if amount is None:
        return refuse(400, "sum is not an amount")
    if not orderid:
        return _payment_without_order(form, remote_addr, payment_id, amount, clientid, secret, refuse)
    order = session.scalar(
        select(Payment)
        .where(Payment.order_id == orderid, Payment.channel == CARD, Payment.provider == PROVIDER)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        return refuse(404, "unknown order")
    if amount != order.amount:
        return refuse(409, "sum does not match the order")

    ledger_key = f"{PROVIDER}:{payment_id}"
    ok = answer(payment_id, secret)
    done = session.execute(
        select(LedgerTransaction.meta).where(LedgerTransaction.idempotency_key == ledger_key)
    ).first()
    if done is not None:
        if (done.meta or {}).get("payment_order") in (order.order_id, _repeat_order_id(order, payment_id)):
            _log(form, remote_addr, DUPLICATE_OUTCOME)
            return 200, ok
        return refuse(409, "this payment id was already used for another order")

    note = "" if clientid in ("", order.account_number) else "clientid differs from the order's account"
    if order.status != CREATED:
        note = "; ".join(filter(None, ["a second payment of an order already paid", note]))
    now = utcnow()
    try:
        with session.begin_nested():
            target = order
            if order.status != CREATED:
                # The order was paid before under another PayKeeper id: the money is real, so it
                # is posted as a payment of its own (and marked in the log).
                target = Payment(
                    channel=CARD,
                    provider=PROVIDER,
                    order_id=_repeat_order_id(order, payment_id),
                    personal_account_id=order.personal_account_id,
                    account_number=order.account_number,
                    amount=amount,
                    status=CREATED,
                    meta={"repeat_of": order.order_id},
                )
                session.add(target)
            target.external_id = payment_id
            target.payer = clientid[:300]
            target.paid_at = now
            post_payment(target, key=ledger_key, occurred_at=now)
    except LedgerError as error:
        return refuse(409, f"not posted: {error}"[:300])
    _log(form, remote_addr, POSTED_OUTCOME, note)
    return 200, ok


def _direct_order_id(payment_id: str) -> str:
    """Our order id for a payment made on PayKeeper's own form (no order of ours): one per payment id."""
    return f"pk-{_md5(payment_id)[:24]}"


def _payment_without_order(
    form: Mapping[str, Any],
    remote_addr: str,
    payment_id: str,
    amount: int,
    clientid: str,
    secret: str,
    refuse: Callable[[int, str], tuple[int, str]],
) -> tuple[int, str]:
    """A verified payment with an empty ``orderid``: the payer typed only the account (``clientid``).

    PayKeeper sends these when someone pays on its own form. The money is real, so it is never
    refused: it goes to the account whose number is ``clientid``, or to suspense for an operator to
    move when no account has that number. Posted once per PayKeeper payment id.
    """
    ledger_key = f"{PROVIDER}:{payment_id}"
    order_id = _direct_order_id(payment_id)
    ok = answer(payment_id, secret)

    def posted_before() -> tuple[int, str] | None:
        done = session.execute(
            select(LedgerTransaction.meta).where(LedgerTransaction.idempotency_key == ledger_key)
        ).first()
        if done is None:
            return None
        if (done.meta or {}).get("payment_order") == order_id:
            _log(form, remote_addr, DUPLICATE_OUTCOME)
            return 200, ok
        return refuse(409, "this payment id was already used for another order")

    repeated = posted_before()
    if repeated is not None:
        return repeated
    account = find_account(clientid) if clientid.strip() else None
    now = utcnow()
    payment = Payment(
        channel=CARD,
        provider=PROVIDER,
        order_id=order_id,
        external_id=payment_id,
        personal_account_id=account.id if account is not None else None,
        account_number=account.number if account is not None else clientid[:40],
        amount=amount,
        status=CREATED,
        payer=clientid[:300],
        paid_at=now,
        meta={"without_order": True},
    )
    try:
        with session.begin_nested():
            session.add(payment)
            session.flush()
            post_payment(payment, key=ledger_key, occurred_at=now)
    except IntegrityError:
        # A copy of this notification was posted at the same moment: answer as for a repeat.
        session.expire_all()
        repeated = posted_before()
        if repeated is not None:
            return repeated
        raise
    except LedgerError as error:
        return refuse(409, f"not posted: {error}"[:300])
    note = "no order; " + ("credited by clientid" if account is not None else "no account has this clientid: suspense")
    _log(form, remote_addr, POSTED_OUTCOME, note)
    return 200, ok


# --- sending a notification (the sandbox) ---------------------------------------------------------


def send_notification(url: str, fields: dict[str, str], timeout: float = 20) -> tuple[int, str]:
    """POST ``fields`` to ``url`` as PayKeeper does; ``(status, body)``, status 0 when unreachable.

    Browsers resolve ``*.localhost`` to this machine but the C library often does not, so such a
    host is reached at 127.0.0.1 with the original ``Host`` header (the demo's tenant sites).
    """
    parts = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        headers["Host"] = parts.netloc
        url = urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{parts.port or 80}"))
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers=headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # to ourselves, never via a proxy
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as error:
        return 0, str(getattr(error, "reason", error))


def sandbox_notification(settings: Mapping[str, Any], payment: Payment, payment_id: str) -> dict[str, str]:
    """The fields PayKeeper would send for ``payment`` paid under ``payment_id``, signed."""
    secret = notification_secret(settings)
    if secret is None:
        raise PaymentError("no notification secret")
    fields = {
        "id": payment_id,
        "sum": format_sum(payment.amount),
        "clientid": payment.account_number,
        "orderid": payment.order_id,
    }
    fields["key"] = notification_key(fields["id"], fields["sum"], fields["clientid"], fields["orderid"], secret)
    return fields


def sender() -> Sender:
    """How notifications are sent: ``app.config["PAYKEEPER_SENDER"]`` (tests) or :func:`send_notification`."""
    return current_app.config.get("PAYKEEPER_SENDER") or send_notification
