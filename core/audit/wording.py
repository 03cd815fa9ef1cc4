"""The audit log as sentences: each action's wording, contributed through ``audit_actions``.

Core words its own actions here; a plugin words its own through the same hook. The log shows
``describe(event)``: the sentence with the object filled in, or the raw action code when nobody
words it (so a new action is never hidden, only less readable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext
from markupsafe import Markup

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


def _code(text: str) -> Markup:
    return Markup('<span class="mono">%s</span>') % text


def _object(event) -> Markup | str:
    """The event's object as a reader knows it: a plugin by its title, anything else by its id."""
    if event.object_type == "plugin":
        info = current_app.plugins.infos.get(event.object_id)
        if info is not None:
            return gettext(info.title)
    return _code(event.object_id) if event.object_id else ""


def describe(event) -> Markup | str:
    """The audit event as a sentence in the current language (its raw action code when nobody words it)."""
    sentence = sentence_for(event.action, current_app.extensions.get("abonent.audit_actions", {}))
    if sentence is None:
        return _code(f"{event.action} {event.object_type} {event.object_id}".strip())
    return Markup(gettext(sentence, object=_object(event)))


def actor_name(event) -> Markup | str:
    """Who acted: a login, or in words the command line or a visitor who was not logged in."""
    if event.actor_user_id is None and event.actor in _ACTORS:
        return gettext(_ACTORS[event.actor])
    return _code(event.actor)


_ACTORS = {"system (cli)": N_("the system (command line)"), "anonymous": N_("a visitor (not logged in)")}

# Words for the fields events record most often; a field nobody names is shown as its code.
FIELD_LABELS = {
    "address": N_("Address"),
    "amount": N_("Amount"),
    "email": N_("E-mail"),
    "enabled": N_("On"),
    "full_name": N_("Full name"),
    "holder": N_("Holder"),
    "locale": N_("Language"),
    "login": N_("Login"),
    "login_identifier": N_("Login by"),
    "name": N_("Name"),
    "number": N_("Number"),
    "phone": N_("Phone"),
    "products": N_("Services"),
    "question": N_("Question"),
    "role": N_("Role"),
    "roles": N_("Roles"),
    "settings": N_("Settings"),
    "status": N_("Status"),
    "timezone": N_("Time zone"),
    "title": N_("Title"),
    "user": N_("User"),
}

_PLAIN = re.compile(r"^[A-Za-z0-9_./:@+-]+$")


def _value(value: Any) -> Markup | str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return Markup(", ").join(_value(item) for item in value) if value else "—"
    if isinstance(value, dict):
        return Markup("; ").join(Markup("%s: %s") % (_label(k), _value(v)) for k, v in value.items()) or "—"
    text = str(value)
    return _code(text) if _PLAIN.match(text) else text


def _role(code: Any) -> Markup | str:
    spec = current_app.extensions["abonent.access"].roles.get(code) if isinstance(code, str) else None
    return gettext(spec.title) if spec is not None else _value(code)


def _shown(key: str, value: Any) -> Markup | str:
    """A recorded value in words: roles by their titles, anything else by :func:`_value`."""
    if key == "role":
        return _role(value)
    if key == "roles" and isinstance(value, list):
        return Markup(", ").join(_role(item) for item in value) if value else "—"
    return _value(value)


def _label(key: str) -> Markup | str:
    return gettext(FIELD_LABELS[key]) if key in FIELD_LABELS else _code(key)


@dataclass(frozen=True)
class ChangeLine:
    """One field of an audited change: its name in words, and the value before and after."""

    label: Markup | str
    before: Markup | str | None
    after: Markup | str | None


def change_lines(event) -> list[ChangeLine]:
    """The fields the event changed (all recorded fields for a creation), each in words, never as raw JSON."""
    before, after = event.before or {}, event.after or {}
    lines = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        lines.append(
            ChangeLine(
                _label(key),
                _shown(key, old) if key in before else None,
                _shown(key, new) if key in after else None,
            )
        )
    return lines
