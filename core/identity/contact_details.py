"""Staff correct a subscriber's name, phone, e-mail and address; every change is audited.

The address lives on the subscriber's personal account, so it is editable only when the subscriber
has exactly one (with several, each account's address is its own and is changed on the account).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.accounts.models import PersonalAccount
from core.accounts.service import accounts_of
from core.audit.service import record as audit
from core.db import session
from core.identity.identifiers import is_valid_email, normalize_email
from core.identity.models import User


@dataclass(frozen=True)
class ContactDetails:
    """What staff may correct: ``address`` is ``None`` when it is not editable here."""

    full_name: str
    phone: str
    email: str
    address: str | None


def the_account(user: User) -> PersonalAccount | None:
    """The subscriber's only personal account, or ``None`` (none or several)."""
    accounts = accounts_of(user)
    return accounts[0] if len(accounts) == 1 else None


def current_details(user: User) -> ContactDetails:
    """The details as stored, to fill the form."""
    account = the_account(user)
    return ContactDetails(user.full_name, user.phone, user.email or "", account.address if account else None)


def update_contact_details(user: User, new: ContactDetails) -> dict[str, str]:
    """Store ``new`` and audit the change (``user.contact_details``, before and after).

    Returns errors by field (nothing stored) for a malformed e-mail or one another user of the tenant has.
    A new e-mail counts as unconfirmed.
    """
    email = normalize_email(new.email) if new.email.strip() else ""
    if email and not is_valid_email(email):
        return {"email": str(_l("Enter a valid e-mail address."))}
    if email and email != (user.email or ""):
        taken = session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id).limit(1))
        if taken is not None:
            return {"email": str(_l("Another user already has this e-mail."))}
    before, after = current_details(user), ContactDetails(new.full_name.strip(), new.phone.strip(), email, None)
    account = the_account(user)
    if account is not None and new.address is not None:
        after = ContactDetails(after.full_name, after.phone, after.email, new.address.strip())
        account.address = after.address or ""
    if email != (user.email or ""):
        user.email_confirmed = False
    user.full_name, user.phone, user.email = after.full_name, after.phone, email or None
    changed = {k: v for k, v in vars(after).items() if v is not None and v != getattr(before, k)}
    if changed:
        audit("user.contact_details", "user", user.id, {k: getattr(before, k) for k in changed}, changed)
    return {}
