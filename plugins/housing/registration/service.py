"""Registering a resident and binding flats: the request, its proof, more flats for the same login, unbinding.

* :func:`request_registration` mails the confirmation link to the e-mail given, the same mail whatever the
  account number (nothing is looked up: the answer, the mail and the time cannot tell whether it exists).
* :func:`complete_registration` checks the proof from the link's page; a right one creates the login (the
  e-mail) with a random password and mails it, or binds the flat to the login that e-mail already has.
* :func:`bind_flat` (a logged-in resident) binds one more flat with the same proof; :func:`unbind_flat` lets go.

Every step is limited with core's shared back-off counters (:data:`REQUESTS`, :data:`PROOFS`), per e-mail or
user and per address. A wrong proof binds nothing and counts against both. Functions leave committing to the
caller: the counters are written in its transaction, so it commits on refusals too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import (
    PersonalAccount,
    Tenant,
    User,
    audit,
    create_user,
    external_url,
    grant_access,
    queue_mail,
    revoke_access,
    session,
    throttle,
)
from plugins.housing.models import AccountPremises, Premises
from plugins.housing.registration.links import RegistrationRequest, sign
from plugins.housing.registration.proof import Proof, matching_account

#: Requests for a confirmation link: three per e-mail (ten per address), then 5 min, doubling up to an hour.
REQUESTS = throttle.Backoff(3, timedelta(minutes=5), timedelta(hours=1), memory=timedelta(hours=6))
REQUESTS_PER_IP = throttle.Backoff(10, timedelta(minutes=5), timedelta(hours=1), memory=timedelta(hours=6))
#: Wrong proofs: five per e-mail or user (ten per address), then 5 min, doubling up to an hour.
PROOFS = throttle.Backoff(5, timedelta(minutes=5), timedelta(hours=1), memory=timedelta(hours=6))
PROOFS_PER_IP = throttle.Backoff(10, timedelta(minutes=5), timedelta(hours=1), memory=timedelta(hours=6))

REQUEST_SCOPE = "housing-reg"
REQUEST_IP_SCOPE = "housing-reg-ip"
PROOF_SCOPE = "housing-proof"
PROOF_IP_SCOPE = "housing-proof-ip"


@dataclass(frozen=True)
class Outcome:
    """What a step did: the account bound (``None``: nothing), or the end of the wait that refused it."""

    account: PersonalAccount | None = None
    wait_until: datetime | None = None

    @property
    def throttled(self) -> bool:
        return self.wait_until is not None


def normalize_email(raw: str) -> str:
    """An e-mail as logins store it: trimmed, case folded."""
    return (raw or "").strip().casefold()


def _keys(tenant: Tenant, scope: str, who: str, ip_scope: str, ip: str) -> list[str]:
    return [throttle.key(scope, tenant.id, who), throttle.key(ip_scope, tenant.id, ip or "-")]


def _waiting(keys: list[str], memory: timedelta) -> datetime | None:
    live = throttle.counters(keys, memory)
    waits = [until for key in keys if (until := throttle.waiting_until(live.get(key))) is not None]
    return max(waits, default=None)


def _locale() -> str:
    return str(get_locale() or "ru")


def request_registration(
    tenant: Tenant, account_number: str, full_name: str, email: str, ip: str, link_for: Callable[[str], str]
) -> Outcome:
    """Mail a confirmation link for this request to ``email``; refused (``wait_until``) while throttled.

    The account number is not looked up here: every request within the limits does the same work and sends
    the same mail. ``link_for(token)`` makes the absolute link.
    """
    email = normalize_email(email)
    keys = _keys(tenant, REQUEST_SCOPE, email, REQUEST_IP_SCOPE, ip)
    wait = _waiting(keys, REQUESTS.memory)
    if wait is not None:
        return Outcome(wait_until=wait)
    throttle.register(keys[0], REQUESTS)
    throttle.register(keys[1], REQUESTS_PER_IP)
    token = sign(RegistrationRequest(tenant.id, account_number, " ".join(full_name.split()), email))
    queue_mail(
        email,
        _l("Confirm your e-mail address"),
        "housing_registration_confirm",
        kind="housing_registration",
        locale=_locale(),
        tenant=tenant,
        full_name=" ".join(full_name.split()),
        link=link_for(token),
    )
    return Outcome()


def _prove(tenant: Tenant, who: str, ip: str, account_number: str, proof: Proof, policy: str) -> Outcome:
    """Check ``proof`` within the limits of ``who`` and ``ip``: the matching account, or a refusal counted."""
    keys = _keys(tenant, PROOF_SCOPE, who, PROOF_IP_SCOPE, ip)
    wait = _waiting(keys, PROOFS.memory)
    if wait is not None:
        return Outcome(wait_until=wait)
    account = matching_account(account_number, proof, policy)
    if account is None:
        throttle.register(keys[0], PROOFS)
        throttle.register(keys[1], PROOFS_PER_IP)
        return Outcome()
    throttle.clear(keys[0])
    return Outcome(account=account)


def complete_registration(tenant: Tenant, request: RegistrationRequest, proof: Proof, policy: str, ip: str) -> Outcome:
    """Bind the request's account to the login ``request.email`` if ``proof`` fits; mail what happened.

    A new login gets a random password (Latin letters and digits) by mail; an existing one is told the flat was
    added. Raises ``core.api.IdentityError`` when core refuses the e-mail as a login.
    """
    outcome = _prove(tenant, f"mail:{request.email}", ip, request.account_number, proof, policy)
    if outcome.account is None:
        return outcome
    user = session.scalar(select(User).where(User.login == request.email))
    if user is None:
        user, password = create_user(tenant, request.email, full_name=request.full_name, email=request.email)
        user.email_confirmed = True  # they followed the link mailed there
        grant_access(user, outcome.account)
        template, context = "housing_registration_done", {"password": password}
        subject = _l("Your login and password")
    else:
        grant_access(user, outcome.account)
        template, context = "housing_flat_bound", {}
        subject = _l("A flat is added to your login")
    queue_mail(
        request.email,
        subject,
        template,
        kind="housing_registration",
        locale=user.locale or _locale(),
        tenant=tenant,
        user=user,
        account=outcome.account,
        login_link=external_url(tenant, "identity.login"),
        **context,
    )
    audit("housing.registration", "account", outcome.account.number, None, {"user": user.login}, actor="anonymous")
    return outcome


def bind_flat(tenant: Tenant, user: User, account_number: str, proof: Proof, policy: str, ip: str) -> Outcome:
    """Bind one more flat to ``user`` if ``proof`` fits its account (a wrong one binds nothing and is counted)."""
    outcome = _prove(tenant, f"user:{user.id}", ip, account_number, proof, policy)
    if outcome.account is not None:
        grant_access(user, outcome.account)
    return outcome


def unbind_flat(user: User, account: PersonalAccount) -> bool:
    """Stop ``user`` seeing ``account`` (the account, its flat and its money stay); True if they had it."""
    return revoke_access(user, account)


def flats_of(account_ids: list[int]) -> dict[int, Premises]:
    """The flat each of these accounts is bound to, by account id (one query; an account with none is left out)."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(AccountPremises.personal_account_id, Premises)
        .join(Premises, Premises.id == AccountPremises.premises_id)
        .where(AccountPremises.personal_account_id.in_(account_ids))
    )
    return {account_id: premises for account_id, premises in rows}
