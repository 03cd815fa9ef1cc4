"""News for the operators: write, schedule, mark important, choose the audience, edit and delete (audited)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.access.guard import current_principal, require
from core.console.blueprint import blueprint
from core.db import session, utcnow
from core.i18n import N_
from core.jobs.background import start_task, task_url
from core.news import service
from core.news.audiences import describe, offered_audiences
from core.tenants.current import current_tenant
from core.web.input import FormInput, read_form
from core.web.pagination import requested_page

PAGE_SIZE = 50  # news items per page of the operators' list

#: How a ``datetime-local`` input shows a time (and what it posts back).
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def news_input(audiences: list[str]) -> Schema:
    """The news form: title and text, when it shows, whether it is important or public, and one of ``audiences``."""

    class NewsInput(Schema):
        title = fields.String(required=True, validate=validate.Length(max=200))
        body = fields.String(required=True, validate=validate.Length(max=20000))
        published_at = fields.NaiveDateTime(load_default=None)
        expires_at = fields.NaiveDateTime(load_default=None)
        important = fields.Boolean(load_default=False)
        public = fields.Boolean(load_default=False)
        audience = fields.String(
            load_default="", validate=validate.OneOf(audiences, error=N_("Choose an audience from the list."))
        )

    return NewsInput()


def _zone() -> ZoneInfo:
    return current_tenant().zone


def _to_utc(local: datetime | None) -> datetime | None:
    """A time typed in the provider's time zone, as UTC."""
    return local.replace(tzinfo=_zone()).astimezone(UTC) if local is not None else None


def _to_local(moment: datetime | None) -> str:
    """A stored time as the ``datetime-local`` input shows it, in the provider's time zone."""
    return moment.astimezone(_zone()).strftime(LOCAL_FORMAT) if moment is not None else ""


def _audience_choices() -> list[tuple[str, str]]:
    choices = [("", _("Everyone"))]
    for audience in offered_audiences(g.tenant).values():
        choices += [(f"{audience.key}:{value}", f"{audience.title}: {label}") for value, label in audience.choices]
    return choices


def _audience_value(raw: str) -> dict:
    key, _sep, value = raw.partition(":")
    return {"filter": key, "value": value} if raw else {}


def _save(form: FormInput, item):
    data = form.data
    was_live = item is not None and service.is_live(item)
    try:
        saved = service.save_item(
            item,
            title=data["title"],
            body=data["body"],
            published_at=_to_utc(data["published_at"]),
            expires_at=_to_utc(data["expires_at"]),
            important=data["important"],
            public=data["public"],
            audience=_audience_value(data["audience"]),
            author=current_principal(),
        )
    except service.NewsError as error:
        session.rollback()
        form.add_error(error.field, error.message)
        return None
    if service.is_live(saved) and not was_live:
        task = start_task(service.ANNOUNCE_ACTION, {"news_id": saved.id})
        session.commit()
        flash(_("The news is published; its readers are being notified."), "success")
        return redirect(task_url(task))  # the page shows how far the notifying got
    session.commit()
    flash(_("The news is published.") if was_live else _("The news is scheduled."), "success")
    return redirect(url_for("admin.news"))


def _news_page(form: FormInput, item, choices: list[tuple[str, str]]):
    return render_template("admin/news_form.html", form=form, item=item, choices=choices, now=utcnow())


@blueprint.get("/news")
@require(service.MANAGE)
def news():
    offered = offered_audiences(g.tenant)
    wanted = requested_page()
    page = service.items_page(after=wanted.after, before=wanted.before, size=PAGE_SIZE)
    items = page.rows
    return render_template(
        "admin/news.html",
        items=items,
        page=page,
        now=utcnow(),
        audiences={item.id: describe(item.audience or {}, offered) for item in items},
    )


@blueprint.route("/news/new", methods=["GET", "POST"])
@require(service.MANAGE)
def new_news():
    choices = _audience_choices()
    if request.method == "GET":
        return _news_page(FormInput.blank({"public": True}), None, choices)
    form = read_form(news_input([value for value, _label in choices]))
    if form.ok:
        response = _save(form, None)
        if response is not None:
            return response
    return _news_page(form, None, choices)


@blueprint.route("/news/<int:news_id>", methods=["GET", "POST"])
@require(service.MANAGE)
def news_item(news_id: int):
    item = service.get_item(news_id)
    if item is None:
        abort(404)
    choices = _audience_choices()
    audience = item.audience or {}
    current = f"{audience['filter']}:{audience['value']}" if audience else ""
    if current not in {value for value, _label in choices}:
        # The plugin that offered this audience is off now: keep it selectable, so saving keeps it.
        choices.append((current, describe(audience, offered_audiences(g.tenant)) or current))
    if request.method == "GET":
        shown = {
            "title": item.title,
            "body": item.body,
            "published_at": _to_local(item.published_at),
            "expires_at": _to_local(item.expires_at),
            "important": item.important,
            "public": item.public,
            "audience": current,
        }
        return _news_page(FormInput.blank(shown), item, choices)
    form = read_form(news_input([value for value, _label in choices]))
    if form.ok:
        response = _save(form, item)
        if response is not None:
            return response
    return _news_page(form, item, choices)


@blueprint.post("/news/<int:news_id>/delete")
@require(service.MANAGE)
def delete_news(news_id: int):
    item = service.get_item(news_id)
    if item is None:
        abort(404)
    service.delete_item(item)
    session.commit()
    flash(_("The news is deleted."), "success")
    return redirect(url_for("admin.news"))
