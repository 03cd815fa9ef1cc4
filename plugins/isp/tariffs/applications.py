"""A legal entity's written application to change tariffs or services.

Legal entities may not change services themselves: they send an application, which becomes a
support conversation (category ``isp_application``) in the operators' queue. The operator applies
it once the signed letter arrives (:func:`plugins.isp.tariffs.changes.operator_change`).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from core.api import User, format_money, open_ticket
from plugins.isp.models import Contract, Product
from plugins.isp.tariffs.addons import catalogue_addons
from plugins.isp.tariffs.changes import catalogue_tariffs

APPLICATION_CATEGORY = "isp_application"
"""The support category of applications (declared to core in :func:`plugins.isp.hooks.register_ticket_categories`)."""

SOURCE = "plugin:isp"
MAX_COMMENT = 4000
MAX_SCANS = 3


class ApplicationError(ValueError):
    """The application is not sent; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def offered_products(contract: Contract) -> list[Product]:
    """What a legal entity may ask for: tariffs, add-ons and TV packages offered to it."""
    return [*catalogue_tariffs(contract), *catalogue_addons(contract)]


def describe(product: Product) -> str:
    """One line with the product's conditions, for the application's text."""
    parts = [f"{product.title} ({product.code})", _("%(fee)s per month", fee=format_money(product.monthly_fee))]
    if product.speed_mbps:
        parts.append(_("%(speed)s Mbit/s", speed=product.speed_mbps))
    if product.channels:
        parts.append(_("%(channels)s channels", channels=product.channels))
    return ", ".join(parts)


def submit_application(
    contract: Contract, author: User, codes: list[str], comment: str, scans: Sequence[tuple[str, bytes]] = ()
):
    """Open the application as a support conversation; returns the ticket (its id is the application number).

    ``codes`` are the wanted products' codes (offered to the contract); ``comment`` free text. At least
    one of them is needed. ``scans`` — the application signed by the head of the organization, scanned
    (``(filename, bytes)``): attached to the conversation through core's file storage, which checks
    each one by its content (a picture or a PDF, at most 10 MB; at most :data:`MAX_SCANS`). With a scan
    the operator need not wait for the paper letter. Raises :class:`ApplicationError` (a refused scan
    under ``scan``). The caller commits.
    """
    scans = list(scans)
    if len(scans) > MAX_SCANS:
        raise ApplicationError({"scan": _("Attach at most %(n)s files.", n=MAX_SCANS)})
    offered = {p.code: p for p in offered_products(contract)}
    wanted = [offered[c] for c in dict.fromkeys(codes) if c in offered]
    errors: dict[str, str] = {}
    if len(wanted) != len(set(codes)):
        errors["products"] = _("Choose tariffs and services from the list.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = _("The comment is too long: at most %(n)s characters.", n=MAX_COMMENT)
    if not wanted and not comment:
        errors["products"] = _("Choose what you want to connect or describe it in the comment.")
    if errors:
        raise ApplicationError(errors)
    subject = _("Application to change services, contract %(number)s", number=contract.number)
    lines = [
        _("Contract %(number)s, %(holder)s.", number=contract.number, holder=contract.account.holder_name),
        "",
    ]
    if wanted:
        lines.append(_("Wanted tariffs and services:"))
        lines.extend(f"— {describe(p)}" for p in wanted)
        lines.append("")
    if comment:
        lines.extend([_("Comment:"), comment])
    if scans:
        lines.extend(["", _("The signed application is attached (%(count)s file(s)).", count=len(scans))])
    try:
        return open_ticket(
            author,
            APPLICATION_CATEGORY,
            subject,
            "\n".join(lines),
            account=contract.account,
            source=SOURCE,
            attachments=scans,
        )
    except ValueError as error:  # core's TicketError (a ValueError with ``errors``)
        errors = getattr(error, "errors", None)
        if not errors:
            raise
        errors = dict(errors)
        if "attachments" in errors:
            errors["scan"] = errors.pop("attachments")
        raise ApplicationError(errors) from error
