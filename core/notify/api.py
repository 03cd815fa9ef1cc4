"""Notifications in the API: the list, marking read (one or all), the preferences per kind."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.access.guard import current_principal, require
from core.db import session
from core.notify import service
from core.rest.lookup import BEARER
from core.web.bounds import MAX_ID

blueprint = Blueprint(
    "api_notifications", __name__, url_prefix="/api/v1/notifications", description="The notification centre"
)


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_title = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String(metadata={"description": "a path inside the provider's site or an absolute URL; may be empty"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationsQuery(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread notifications"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class MarkedSchema(Schema):
    marked = fields.Integer(metadata={"description": "how many notifications were unread and are read now"})
    unread = fields.Integer(metadata={"description": "unread notifications left"})


class PreferenceSchema(Schema):
    kind = fields.String(required=True)
    title = fields.String(dump_only=True)
    in_app = fields.Boolean(required=True)
    email = fields.Boolean(required=True)


class PreferencesSchema(Schema):
    preferences = fields.List(fields.Nested(PreferenceSchema), required=True)

    @validates_schema
    def known_kinds(self, data, **_kwargs):
        unknown = sorted({p["kind"] for p in data["preferences"]} - set(service.kinds()))
        if unknown:
            raise ValidationError(f"unknown kind(s): {', '.join(unknown)}", "preferences")


def _dump(notice) -> dict:
    return {
        "id": notice.id,
        "kind": notice.kind,
        "kind_title": service.kind_title(notice.kind),
        "title": notice.title,
        "body": notice.body,
        "link": notice.link,
        "created_at": notice.created_at,
        "read_at": notice.read_at,
    }


def _preferences(user) -> dict:
    rows = service.preferences(user)
    return {
        "preferences": [
            {"kind": kind.code, "title": service.kind_title(kind.code), "in_app": in_app, "email": email}
            for kind, in_app, email in rows
        ]
    }


@blueprint.get("")
@require()
@blueprint.arguments(NotificationsQuery, location="query")
@blueprint.response(200, NotificationSchema(many=True))
@blueprint.doc(security=BEARER)
def list_notifications(query):
    """The user's notifications, newest first (kinds they turned off in the app are left out)."""
    user = current_principal()
    notices = service.visible(user, query["limit"], query["offset"], unread_only=query["unread"])
    return [_dump(n) for n in notices]


@blueprint.post("/<int:notification_id>/read")
@require()
@blueprint.response(200, NotificationSchema)
@blueprint.doc(security=BEARER)
def mark_read(notification_id: int):
    """Mark one notification read (already read: no change)."""
    user = current_principal()
    notice = service.find(user, notification_id)
    if notice is None:
        abort(404)
    service.mark_read(user, notice.id)
    session.commit()
    session.refresh(notice)
    return _dump(notice)


@blueprint.post("/read-all")
@require()
@blueprint.response(200, MarkedSchema)
@blueprint.doc(security=BEARER)
def mark_all_read():
    """Mark every notification of the user read."""
    user = current_principal()
    marked = service.mark_read(user)
    session.commit()
    return {"marked": marked, "unread": service.unread_count(user)}


@blueprint.route("/preferences")
class Preferences(MethodView):
    """One URL for reading (GET) and changing (PUT) the preferences (any logged-in user, their own)."""

    decorators = [require()]  # on the whole view, so the route walk sees it guarded

    @blueprint.response(200, PreferencesSchema)
    @blueprint.doc(security=BEARER)
    def get(self):
        """Every kind of notification with the user's choice (defaults until they choose)."""
        return _preferences(current_principal())

    @blueprint.arguments(PreferencesSchema)
    @blueprint.response(200, PreferencesSchema)
    @blueprint.doc(security=BEARER)
    def put(self, payload):
        """Change the choice for the kinds listed (others stay as they are); returns every kind."""
        user = current_principal()
        for pref in payload["preferences"]:
            service.set_preference(user, pref["kind"], pref["in_app"], pref["email"])
        session.commit()
        return _preferences(user)
