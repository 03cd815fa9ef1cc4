"""Subscriber pages of news: the list with unread markers, an item, dismissing a banner; the public feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, redirect, render_template
from flask_babel import gettext as _

from core.access.guard import can, current_principal, is_api_request, public, require
from core.db import session
from core.news import service
from core.news.audiences import describe, offered_audiences
from core.news.feed import MIMETYPE, atom_feed
from core.notify.views import remember_unread_count
from core.web.input import posted_next
from core.web.urls import safe_next

blueprint = Blueprint("news", __name__, url_prefix="/news")


def banner_news() -> list:
    """Important news the logged-in reader has not dismissed, for the page banner: once per request.

    The same statement counts the reader's unread notices for the header (the layout asks for the banner first).
    """
    if "banner_news" not in g:
        user = current_principal() if g.get("tenant") is not None and not is_api_request() else None
        g.banner_news = []
        if user is not None and can(service.READ):
            g.banner_news, unread = service.banner_and_unread_notices(user)
            remember_unread_count(unread)
    return g.banner_news


@blueprint.get("/")
@require(service.READ)
def index():
    entries = service.news_for(current_principal())
    return render_template("news/index.html", entries=entries, unread=sum(not e.read for e in entries))


@blueprint.get("/<int:news_id>")
@require(service.READ)
def item(news_id: int):
    user = current_principal()
    found = service.visible_item(user, news_id)
    if found is None:
        abort(404)
    was_read = service.has_read(user, found)
    if not was_read:
        session.commit()  # end the reading transaction before writing (SQLite snapshots)
        service.mark_read(user, found)
        session.commit()
    audience = describe(found.audience or {}, offered_audiences(g.tenant))
    return render_template("news/item.html", item=found, audience=audience, was_read=was_read)


@blueprint.post("/<int:news_id>/read")
@require(service.READ)
def dismiss(news_id: int):
    """Mark an item read (the banner's "Got it" button) and go back where the user was."""
    user = current_principal()
    found = service.visible_item(user, news_id)
    if found is None:
        abort(404)
    service.mark_read(user, found)
    session.commit()
    return redirect(safe_next(posted_next(), "news.index"))


@blueprint.get("/public/<int:news_id>")
@public
def public_item(news_id: int):
    """A public item's page for anyone (the feed links here)."""
    found = service.public_item(news_id)
    if found is None:
        abort(404)
    return render_template("news/public_item.html", item=found)


@blueprint.get("/feed.xml")
@public
def feed():
    tenant = g.tenant
    body = atom_feed(tenant, service.feed_items(), _("%(name)s: news", name=tenant.name))
    response = Response(body, content_type=f"{MIMETYPE}; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
