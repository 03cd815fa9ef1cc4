"""The public contacts page: the provider's hotline and, for a provider in several towns, a town selector
showing that town's contact centre (``contacts.towns`` in the tenant's settings). Works without login and
without JavaScript (a GET form); the chosen town is in the address, so it can be bookmarked and shared."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from core.access.guard import public

blueprint = Blueprint("contacts", __name__)


def towns_of(contacts: dict) -> list[dict]:
    """The tenant's towns with their contact centres, in the order the provider listed them."""
    return list(contacts.get("towns") or [])


def find_town(towns: list[dict], name: str) -> dict | None:
    """The town called ``name`` (case does not matter), or ``None``."""
    wanted = " ".join(name.split()).casefold()
    return next((town for town in towns if town["name"].casefold() == wanted), None) if wanted else None


@blueprint.get("/contacts")
@public
def contacts():
    contacts = g.tenant.contacts or {}
    towns = towns_of(contacts)
    asked = request.args.get("town", "")[:80]
    town = find_town(towns, asked)
    status = 404 if asked and town is None else 200
    return render_template("contacts.html", contacts=contacts, towns=towns, town=town, asked=asked), status
