"""The notification centre: the list with mark-read (one or all), and the settings per kind."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.access.guard import current_principal, is_api_request, require
from core.db import session
from core.notify import service
from core.web.input import Text, read_form
from core.web.pagination import requested_page
from core.web.urls import safe_next, same_site_path


class ReadForm(Schema):
    open = Text(10)
    next = Text(2000)


class PreferencesForm(Schema):
    in_app = fields.List(Text(100), load_default=list)
    email = fields.List(Text(100), load_default=list)


blueprint = Blueprint("notify", __name__, url_prefix="/notifications")

PAGE_SIZE = 50


def header_unread_count() -> int:
    """Unread notices of the logged-in user for the page header: one COUNT query, once per request (none when
    the layout's news banner already counted them with its own statement: :func:`remember_unread_count`)."""
    if "unread_notifications" not in g:
        user = current_principal() if g.get("tenant") is not None and not is_api_request() else None
        g.unread_notifications = service.unread_count(user) if user is not None else 0
    return g.unread_notifications


def remember_unread_count(count: int) -> None:
    """The header's count as another statement of this request read it (``service.unread_count_query``)."""
    g.unread_notifications = count


def link_href(link: str) -> str:
    """A notice's link: a path inside the site gets the site's prefix; absolute URLs stay."""
    path = same_site_path(link)
    if path is not None:
        return request.script_root + path
    return link if link.startswith(("https://", "http://")) else ""


@blueprint.get("")
@require()
def index():
    wanted = requested_page()
    page = service.visible_page(current_principal(), after=wanted.after, before=wanted.before, size=PAGE_SIZE)
    return render_template(
        "notify/index.html",
        notices=page.rows,
        page=page,
        kind_title=service.kind_title,
        link_href=link_href,
    )


@blueprint.post("/<int:notification_id>/read")
@require()
def read(notification_id: int):
    user = current_principal()
    notice = service.find(user, notification_id)
    if notice is None:
        abort(404)
    service.mark_read(user, notice.id)
    session.commit()
    form = read_form(ReadForm())
    if form.data.get("open") and link_href(notice.link):
        return redirect(link_href(notice.link))
    return redirect(safe_next(form.data.get("next") or None, "notify.index"))


@blueprint.post("/read-all")
@require()
def read_all():
    marked = service.mark_read(current_principal())
    session.commit()
    if marked:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notify.index"))


@blueprint.route("/settings", methods=["GET", "POST"])
@require()
def settings():
    user = current_principal()
    if request.method == "POST":
        form = read_form(PreferencesForm())
        in_app, email = set(form.data.get("in_app", [])), set(form.data.get("email", []))
        for code in service.kinds():
            service.set_preference(user, code, code in in_app, code in email)
        session.commit()
        flash(_("Notification settings are saved."), "success")
        return redirect(url_for("notify.settings"))
    return render_template("notify/settings.html", rows=service.preferences(user), user=user)
