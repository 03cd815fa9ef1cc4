"""Notification kinds registered by core and plugins (``register_notification_kinds``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import N_


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification; ``email_default`` says whether e-mail is on until the user says otherwise."""

    code: str
    title: str
    email_default: bool = True
    in_app_default: bool = True


CORE_KINDS = (
    NotificationKind("payment_received", N_("Payment received")),
    NotificationKind("low_balance", N_("Low balance")),
    NotificationKind("ticket_reply", N_("Reply from support")),
    NotificationKind("visit_scheduled", N_("Technician visit scheduled")),
    NotificationKind("news", N_("Provider news"), email_default=False),
)
