"""Notices about tariff and add-on changes (``isp_tariff_change``), in each reader's locale."""

from __future__ import annotations

from flask_babel import gettext as _

from core.api import N_, Tenant, notify, recipient_language, users_of_account
from plugins.isp.models import Contract

# Tariff change msgids, translated in the reader's locale by :func:`tell`.
N_ordered_title = N_("A tariff change for contract %(number)s is ordered")
N_ordered_body = N_("See the date and the new price on the tariffs page.")
N_changed_title = N_("The tariff of contract %(number)s has changed")
N_changed_body = N_("The new tariff is active. See the price on the tariffs page.")
N_cancelled_title = N_("The tariff change for contract %(number)s is cancelled")
N_cancelled_body = N_("The current tariff stays.")


def tell(tenant: Tenant, contract: Contract, title: str, body: str, dedupe_key: str) -> None:
    """Notify the contract's users (``isp_tariff_change``); ``title``/``body`` are msgids formatted later."""
    for user in users_of_account(contract.account):
        with recipient_language(user, tenant):
            text_title = _(title, number=contract.number)
            text_body = _(body)
        notify(user, "isp_tariff_change", text_title, text_body, dedupe_key=dedupe_key, tenant=tenant)


def tell_ordered_or_changed(tenant: Tenant, contract: Contract, change_id: int, applied: bool) -> None:
    """Tell that a change is ordered, or — when it started at once — that the tariff has changed."""
    if applied:
        tell(tenant, contract, N_changed_title, N_changed_body, f"isp:tariff_change:{change_id}:applied")
    else:
        tell(tenant, contract, N_ordered_title, N_ordered_body, f"isp:tariff_change:{change_id}:ordered")
