"""The audit log as sentences: each action's wording, contributed through ``audit_actions``.

Core words its own actions here; a plugin words its own through the same hook. The log shows
``describe(event)``: the sentence with the object filled in, or the raw action code when nobody
words it (so a new action is never hidden, only less readable).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext

from core.i18n import N_
from core.plugins.markers import hookimpl


@dataclass(frozen=True)
class AuditAction:
    """How the audit log words one action code (or, with a trailing ``.``, every code starting with it).

    ``sentence`` is an untranslated text (mark it with ``N_``) with ``%(object)s`` for the object's id.
    """

    code: str
    sentence: str


CORE_ACTIONS = (
    AuditAction("user.create", N_("Created the user %(object)s")),
    AuditAction("user.status", N_("Changed access to the cabinet of user %(object)s")),
    AuditAction("user.profile", N_("Changed the profile of user %(object)s")),
    AuditAction("user.contact_details", N_("Changed the contact details of subscriber %(object)s")),
    AuditAction("user.password_reset", N_("Reset the password of user %(object)s")),
    AuditAction("user.password_reset_requested", N_("Asked for a password reset for user %(object)s")),
    AuditAction("user.password_reset_by_operator", N_("Issued a new password to user %(object)s")),
    AuditAction("user.password_change", N_("Changed the password of user %(object)s")),
    AuditAction("user.email_change_requested", N_("Asked to change the e-mail of user %(object)s")),
    AuditAction("user.email_change", N_("Changed the e-mail of user %(object)s")),
    AuditAction("role.assign", N_("Gave a role to user %(object)s")),
    AuditAction("role.revoke", N_("Took a role from user %(object)s")),
    AuditAction("tenant.settings", N_("Changed the site settings")),
    AuditAction("tenant.status", N_("Changed the status of tenant %(object)s")),
    AuditAction("tenant.apply", N_("Applied the tenant file of %(object)s")),
    AuditAction("settings.change", N_("Changed the settings %(object)s")),
    AuditAction("plugin.enable", N_("Enabled the plugin %(object)s")),
    AuditAction("plugin.disable", N_("Disabled the plugin %(object)s")),
    AuditAction("plugin.configure", N_("Changed the settings of plugin %(object)s")),
    AuditAction("payment.move_from_suspense", N_("Moved unidentified payment %(object)s to an account")),
    AuditAction("payment.manual", N_("Took a payment at the office (payment %(object)s)")),
    AuditAction("ledger.correction", N_("Corrected a balance (transaction %(object)s)")),
    AuditAction("account.open", N_("Opened personal account %(object)s")),
    AuditAction("account.access", N_("Gave access to personal account %(object)s")),
    AuditAction("account.access_revoke", N_("Took away access to personal account %(object)s")),
    AuditAction("news.create", N_("Published news item %(object)s")),
    AuditAction("news.delete", N_("Deleted news item %(object)s")),
    AuditAction("faq.", N_("Edited the frequently asked questions")),
    AuditAction("ticket.assign", N_("Assigned ticket %(object)s")),
    AuditAction("ticket.merge", N_("Merged ticket %(object)s into another")),
    AuditAction("visit.request", N_("Requested technician visit %(object)s")),
    AuditAction("visit.cancel", N_("Cancelled technician visit %(object)s")),
    AuditAction("visit.finish", N_("Recorded the result of technician visit %(object)s")),
)


@hookimpl(trylast=True)
def audit_actions() -> list[AuditAction]:
    return list(CORE_ACTIONS)


def build(host) -> dict[str, str]:
    """Collect every plugin's wording at start-up (a code worded twice is an error, as for jobs)."""
    from core.plugins.collect import collect

    found = collect(host, host.hook.audit_actions, AuditAction, key=lambda a: a.code, what="audit action")
    return {code: item.value.sentence for code, item in found.items()}


def sentence_for(action: str, wording: dict[str, str]) -> str | None:
    """The untranslated sentence for ``action``: its own, else the longest matching ``prefix.`` one."""
    if action in wording:
        return wording[action]
    prefixes = [code for code in wording if code.endswith(".") and action.startswith(code)]
    return wording[max(prefixes, key=len)] if prefixes else None


def describe(event) -> str:
    """The audit event as a sentence in the current language (its raw action code when nobody words it)."""
    sentence = sentence_for(event.action, current_app.extensions.get("abonent.audit_actions", {}))
    if sentence is None:
        return event.action
    return gettext(sentence, object=event.object_id or "")
