"""News in the API (subscriber side): the list with unread flags, one item (reading it marks it read)."""

from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core.access.guard import current_principal, require
from core.db import session
from core.news import service
from core.rest.lookup import BEARER

blueprint = Blueprint("api_news", __name__, url_prefix="/api/v1/news", description="The provider's news")


class NewsSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String(metadata={"description": "plain text; an empty line separates paragraphs"})
    published_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    important = fields.Boolean(metadata={"description": "show it prominently until read (planned outages …)"})
    public = fields.Boolean(metadata={"description": "also readable without logging in, and in the Atom feed"})
    read = fields.Boolean(metadata={"description": "the user has opened or dismissed it"})


class NewsQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    unread = fields.Boolean(load_default=False, metadata={"description": "only items not read yet"})


def _dump(item, read: bool) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "body": item.body,
        "published_at": item.published_at,
        "expires_at": item.expires_at,
        "important": item.important,
        "public": item.public,
        "read": read,
    }


@blueprint.get("")
@require(service.READ)
@blueprint.arguments(NewsQuery, location="query")
@blueprint.response(200, NewsSchema(many=True))
@blueprint.doc(security=BEARER)
def list_news(query):
    """Published news for the user, newest first, each with whether they have read it."""
    entries = service.news_for(current_principal(), limit=query["limit"], offset=query["offset"])
    return [_dump(e.item, e.read) for e in entries if not (query["unread"] and e.read)]


@blueprint.get("/<int:news_id>")
@require(service.READ)
@blueprint.response(200, NewsSchema)
@blueprint.doc(security=BEARER)
def get_news(news_id: int):
    """One item; fetching it marks it read."""
    user = current_principal()
    item = service.visible_item(user, news_id)
    if item is None:
        abort(404)
    if not service.has_read(user, item):
        session.commit()  # end the reading transaction before writing (SQLite snapshots)
        service.mark_read(user, item)
        session.commit()
    return _dump(item, True)
