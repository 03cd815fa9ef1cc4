"""Public payments service: put money on a personal account once, through the ledger.

Every way money arrives (card notification, registry line, office cash, correction) ends in
:func:`post_payment`, which posts ``clearing → personal account`` (or ``→ suspense`` when the account
is unknown) under the payment's idempotency key and tells the tenant's plugins (``on_payments_posted``,
a batch of one; a registry import announces a chunk at once with :func:`announce_payments`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from flask import g, has_request_context
from sqlalchemy import select

from core.accounts.models import PersonalAccount
from core.accounts.service import users_of_account
from core.audit.service import record as audit
from core.db import session, utcnow
from core.ledger import service as ledger
from core.payments.models import CARD, CREATED, MANUAL, MOVED, POSTED, SUSPENSE, Payment
from core.plugins.state import tenant_hooks

T = TypeVar("T")


class PaymentError(ValueError):
    """A payment was refused; nothing was posted."""


def new_order_id() -> str:
    return secrets.token_hex(10)


def create_card_order(account: PersonalAccount, amount: int, provider: str) -> Payment:
    """A card payment waiting for the gateway's notification."""
    if amount <= 0:
        raise PaymentError("the amount must be positive")
    payment = Payment(
        channel=CARD,
        provider=provider,
        order_id=new_order_id(),
        personal_account_id=account.id,
        account_number=account.number,
        amount=amount,
        status=CREATED,
    )
    session.add(payment)
    session.flush()
    return payment


def _tenant_or_current(tenant):
    if tenant is None:
        tenant = g.get("tenant") if has_request_context() else None
    if tenant is None:
        from core.db import current_tenant_id
        from core.tenants.models import Tenant

        tenant = session.get(Tenant, current_tenant_id())
    return tenant


def notify_payment_posted(account: PersonalAccount, payment: Payment, *, tenant=None, refresh: bool = True) -> None:
    """Tell the tenant's plugins and the account's users that ``payment`` reached ``account``: a batch of one.

    ``refresh=False`` when the caller has just loaded ``account.ledger_account`` with its new balance.
    """
    tenant = _tenant_or_current(tenant)
    if refresh:
        session.refresh(account.ledger_account)
    announce_payments(tenant, [account], [payment])
    paid = [(account, 1, payment.amount)]
    tell_holders(tenant, [(user, paid) for user in users_of_account(account)], dedupe_key=f"payment:{payment.id}")


class ReadOnUse(Sequence[T]):
    """``count`` rows that ``load()`` reads from the database the first time they are read (``len`` reads nothing).

    A registry chunk's payments and accounts for ``on_payments_posted``: a plugin that names only
    ``account_ids`` never makes core load a thousand objects it would not look at.
    """

    def __init__(self, count: int, load: Callable[[], list[T]]) -> None:
        self._count, self._load, self._rows = count, load, None

    def _read(self) -> list[T]:
        if self._rows is None:
            self._rows = self._load()
        return self._rows

    def __len__(self) -> int:
        return self._count if self._rows is None else len(self._rows)

    def __getitem__(self, index):  # type: ignore[override]
        return self._read()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._read())


def announce_payments(
    tenant,
    accounts: Sequence[PersonalAccount],
    payments: Sequence[Payment],
    *,
    account_ids: Sequence[int] | None = None,
) -> None:
    """Call the plugins' ``on_payments_posted`` once for a batch of payments that reached ``accounts``.

    ``accounts`` carry their balances after the batch (a list, or :class:`ReadOnUse` to load them only
    if a plugin reads them); ``account_ids`` are their ids (taken from ``accounts`` when not given).
    Plugins that implement only the older per-payment ``on_payment_posted`` get one call per payment
    (in order), after the batch hook.
    """
    if not payments:
        return
    hooks = tenant_hooks(tenant)
    if account_ids is None:
        account_ids = [account.id for account in accounts]
    ids = sorted(set(account_ids))
    hooks.on_payments_posted(tenant=tenant, accounts=accounts, payments=payments, account_ids=ids)
    older = hooks.superseded("on_payment_posted", by="on_payments_posted")
    if older.get_hookimpls():
        by_id = {account.id: account for account in accounts}
        for payment in payments:
            older(tenant=tenant, account=by_id[payment.personal_account_id], payment=payment)


def has_payment_listeners(tenant) -> bool:
    """Whether a plugin enabled for ``tenant`` implements ``on_payments_posted`` or ``on_payment_posted``."""
    hooks = tenant_hooks(tenant)
    return bool(hooks.on_payments_posted.get_hookimpls() or hooks.on_payment_posted.get_hookimpls())


#: What one user is told about: each of their paid accounts (anything with ``number`` and ``balance``) with how
#: many payments it got and their sum.
Paid = tuple[Any, int, int]


def tell_holders(tenant, told: Sequence[tuple[Any, Sequence[Paid]]], *, dedupe_key: str) -> int:
    """One "payment received" notification per user, however many payments reached their accounts.

    ``told`` pairs each user with their paid accounts ``(account, payments, sum)``. A user with one
    payment reads its amount; one whose accounts got several (a registry listing two) reads their
    number and sum; both read the balance of each account. ``dedupe_key`` (``payment:<id>``,
    ``registry:<import id>``) makes a repeated call tell nobody twice. Returns how many were stored.
    """
    from flask_babel import force_locale, ngettext
    from flask_babel import gettext as _

    from core.money.format import format_money
    from core.notify.service import Notice, notify_each

    notices = []
    by_locale: dict[str, list[tuple[Any, Sequence[Paid]]]] = {}
    for user, paid in told:
        by_locale.setdefault(user.locale or tenant.locale, []).append((user, paid))
    for locale, group in by_locale.items():
        with force_locale(locale):  # the words once per language (and count), not per user
            one = _("Payment of %(amount)s received")
            line = _("Account %(number)s. Balance: %(balance)s.")
            several: dict[int, str] = {}
            money: dict[int, str] = {}

            def rubles(kopecks: int, money=money) -> str:
                if kopecks not in money:
                    money[kopecks] = format_money(kopecks)
                return money[kopecks]

            for user, paid in group:
                if len(paid) == 1:  # most users: one paid account
                    _account, count, total = paid[0]
                else:
                    count, total = sum(item[1] for item in paid), sum(item[2] for item in paid)
                if count == 1:
                    title = one % {"amount": rubles(total)}
                else:
                    if count not in several:
                        several[count] = ngettext(
                            "%(num)d payment of %(amount)s in total received",
                            "%(num)d payments of %(amount)s in total received",
                            count,
                            amount="%(amount)s",  # filled in below, per user
                        )
                    title = several[count] % {"amount": rubles(total)}
                body = " ".join(
                    line % {"number": account.number, "balance": rubles(account.balance)}
                    for account, _count, _total in paid
                )
                notices.append(Notice(user, "payment_received", title, body, dedupe_key=dedupe_key))
    return notify_each(notices, tenant=tenant)


def post_payment(payment: Payment, key: str, *, occurred_at: datetime | None = None) -> Payment:
    """Post ``payment`` (already added to the session) to its account or to suspense. Idempotent by ``key``."""
    if payment.status in (POSTED, SUSPENSE, MOVED):
        return payment
    account = session.get(PersonalAccount, payment.personal_account_id) if payment.personal_account_id else None
    target = account.ledger_account if account is not None else ledger.suspense_account()
    transaction = ledger.transfer(
        key,
        "payment",
        ledger.clearing_account(payment.provider or payment.channel),
        target,
        payment.amount,
        memo=f"{payment.channel} {payment.external_id or payment.order_id}",
        meta={
            "payment_order": payment.order_id,
            "account_number": payment.account_number,
            "channel": payment.channel,  # the history's title ("Оплата картой") is built from these
            "provider": payment.provider or "",
        },
        occurred_at=occurred_at or payment.paid_at,
    )
    payment.transaction_id = transaction.id
    payment.status = POSTED if account is not None else SUSPENSE
    payment.posted_at = utcnow()
    session.flush()
    if account is not None:
        notify_payment_posted(account, payment)
    return payment


def manual_payment(account: PersonalAccount, amount: int, reason: str, key: str) -> Payment:
    """Cash at the office or money found by an operator: posted at once, audited.

    ``key`` comes from the form (a random value per form), so a double submit posts once.
    """
    if amount <= 0:
        raise PaymentError("the amount must be positive")
    existing = session.scalar(select(Payment).where(Payment.order_id == f"manual-{key}"))
    if existing is not None:
        return existing
    payment = Payment(
        channel=MANUAL,
        provider="office",
        order_id=f"manual-{key}",
        personal_account_id=account.id,
        account_number=account.number,
        amount=amount,
        status=CREATED,
        paid_at=utcnow(),
        meta={"reason": reason},
    )
    session.add(payment)
    session.flush()
    post_payment(payment, f"manual:{key}")
    audit("payment.manual", "account", account.number, None, {"amount": amount, "reason": reason})
    return payment


def correction(account: PersonalAccount, amount: int, reason: str, key: str):
    """Correct a balance by ``amount`` kopecks (negative takes money away), with a reason. Audited."""
    if amount == 0:
        raise PaymentError("a correction must change the balance")
    if not reason.strip():
        raise PaymentError("a correction needs a reason")
    adjustment = ledger.system_account("adjustment", "adjustment", "Corrections")
    source, target = (adjustment, account.ledger_account) if amount > 0 else (account.ledger_account, adjustment)
    transaction = ledger.transfer(
        f"correction:{key}", "correction", source, target, abs(amount), memo=reason, meta={"reason": reason}
    )
    audit("ledger.correction", "account", account.number, None, {"amount": amount, "reason": reason})
    return transaction


def move_from_suspense(payment: Payment, account: PersonalAccount, reason: str) -> Payment:
    """Move a payment that landed in suspense to the right account (audited; once).

    The payment's row is locked first: of two operators moving it at once, the second waits and is
    then told it is no longer in suspense (:class:`PaymentError`).
    """
    session.refresh(payment, with_for_update=True)
    if payment.status != SUSPENSE:
        raise PaymentError("only a payment in suspense can be moved")
    ledger.transfer(
        f"suspense-move:{payment.id}",
        "payment",
        ledger.suspense_account(),
        account.ledger_account,
        payment.amount,
        memo=reason or f"moved from suspense: {payment.external_id}",
        meta={
            "payment_order": payment.order_id,
            "channel": payment.channel,
            "provider": payment.provider or "",
            "from_suspense": True,
        },
    )
    before = {"account_number": payment.account_number, "status": payment.status}
    payment.personal_account_id = account.id
    payment.status = MOVED
    session.flush()
    audit("payment.move_from_suspense", "payment", payment.id, before, {"account": account.number, "reason": reason})
    notify_payment_posted(account, payment)
    return payment
