"""Operation titles in the viewer's language: a ledger line's kind and data, rendered to words.

A transaction stores its ``kind`` and structured ``meta`` (``{"channel": "card"}``, ``{"provider":
"sberbank"}``, ``{"reason": …}``), never a sentence: the history shows "Оплата картой" to a Russian
subscriber and "Card payment" to an English one. Plugins title their own kinds with the
``operation_title`` hook; what nobody titles falls back to core's words for the kind.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from core.money.figures import Operation
from core.money.format import month_label
from core.plugins.state import tenant_hooks
from core.tenants.models import Tenant

# Banks and agents whose registries or payments arrive, by the provider code of their settings.
PROVIDER_TITLES = {
    "sberbank": _l("Sberbank"),
    "gorod": _l("«Gorod»"),
    "qiwi": _l("QIWI"),
    "post": _l("Russian Post"),
    "paykeeper": _l("bank card"),
}

KIND_TITLES = {
    "charge": _l("Charge"),
    "payment": _l("Payment"),
    "correction": _l("Operator's correction"),
    "reversal": _l("Reversal"),
    "promise": _l("Promised payment"),
}


def provider_title(code: str) -> str:
    """A payment provider's name (``sberbank`` → "Сбербанк"); an unknown code is shown as it is."""
    title = PROVIDER_TITLES.get(code)
    return str(title) if title is not None else code


def _payment_title(meta: dict) -> str:
    channel, provider = meta.get("channel"), meta.get("provider") or ""
    if channel == "card":
        return gettext("Card payment")
    if channel == "manual":
        return gettext("Payment at the office")
    if channel == "registry" or (provider and provider in PROVIDER_TITLES):
        return gettext("Payment through %(provider)s", provider=provider_title(provider))
    if meta.get("from_suspense"):
        return gettext("Payment moved to your account")
    return gettext("Payment")


def core_title(operation: Operation) -> str:
    """Core's words for an operation no plugin titled."""
    meta = operation.meta or {}
    if operation.kind == "payment":
        return _payment_title(meta)
    reason = meta.get("reason") or operation.memo
    if operation.kind == "correction":
        return gettext("Operator's correction: %(reason)s", reason=reason) if reason else str(KIND_TITLES["correction"])
    if operation.kind == "reversal":
        return gettext("Reversal: %(reason)s", reason=reason) if reason else str(KIND_TITLES["reversal"])
    if operation.kind == "charge":
        return gettext("Monthly fee") if operation.period else gettext("Charge")
    return str(KIND_TITLES.get(operation.kind, _l("Operation")))


def operation_title(tenant: Tenant | None, operation: Operation) -> str:
    """The words for one line of the history (plugins first, through ``operation_title``, then core)."""
    if tenant is not None:
        title = tenant_hooks(tenant).operation_title(tenant=tenant, operation=operation)
        if title:
            return str(title)
    return core_title(operation)


def period_title(period: str | None) -> str:
    """``"2026-12"`` → "декабрь 2026" (or "December 2026") in the viewer's language; empty for none."""
    return month_label(period, str(get_locale() or "ru")) if period else ""


def day_title(iso_day: str) -> str:
    """``"2026-12-07"`` → "7 декабря" ("December 7") in the viewer's language, for titles built from ``meta``.

    No year and no "г." (a title ending in a date never reads "г..")."""
    return format_skeleton("MMMMd", date.fromisoformat(iso_day), locale=str(get_locale() or "ru"))
