"""News for the operators: write, schedule, mark important, choose the audience, edit and delete (audited)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.access.guard import current_principal, require
from core.console.blueprint import blueprint
from core.console.forms import EmptyForm
from core.db import session, utcnow
from core.news import service
from core.news.audiences import describe, offered_audiences
from core.tenants.current import current_tenant

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class NewsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])
    published_at = DateTimeLocalField(_l("Publish at"), validators=[Optional()], format=DATETIME_FORMATS)
    expires_at = DateTimeLocalField(_l("Show until"), validators=[Optional()], format=DATETIME_FORMATS)
    important = BooleanField(_l("Important: a banner on every page until the reader dismisses it"))
    public = BooleanField(_l("Public: visitors who are not logged in may read it, also in the news feed"))
    audience = SelectField(_l("Audience"), choices=[], default="")


def _zone() -> ZoneInfo:
    return current_tenant().zone


def _to_utc(local: datetime | None) -> datetime | None:
    """A time typed in the provider's time zone, as UTC."""
    return local.replace(tzinfo=_zone()).astimezone(UTC) if local is not None else None


def _to_local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(_zone()).replace(tzinfo=None, second=0, microsecond=0) if moment is not None else None


def _audience_choices() -> list[tuple[str, str]]:
    choices = [("", _("Everyone"))]
    for audience in offered_audiences(g.tenant).values():
        choices += [(f"{audience.key}:{value}", f"{audience.title}: {label}") for value, label in audience.choices]
    return choices


def _audience_value(raw: str) -> dict:
    key, _sep, value = raw.partition(":")
    return {"filter": key, "value": value} if raw else {}


def _save(form: NewsForm, item):
    try:
        saved = service.save_item(
            item,
            title=form.title.data or "",
            body=form.body.data or "",
            published_at=_to_utc(form.published_at.data),
            expires_at=_to_utc(form.expires_at.data),
            important=form.important.data,
            public=form.public.data,
            audience=_audience_value(form.audience.data or ""),
            author=current_principal(),
        )
    except service.NewsError as error:
        session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return None
    session.commit()
    if service.is_live(saved):
        flash(_("The news is published."), "success")
    else:
        flash(_("The news is scheduled."), "success")
    return redirect(url_for("admin.news"))


@blueprint.get("/news")
@require(service.MANAGE)
def news():
    offered = offered_audiences(g.tenant)
    items = service.all_items()
    return render_template(
        "admin/news.html",
        items=items,
        now=utcnow(),
        audiences={item.id: describe(item.audience or {}, offered) for item in items},
    )


@blueprint.route("/news/new", methods=["GET", "POST"])
@require(service.MANAGE)
def new_news():
    form = NewsForm()
    form.audience.choices = _audience_choices()
    if not form.is_submitted():
        form.public.data = True
    if form.validate_on_submit():
        response = _save(form, None)
        if response is not None:
            return response
    return render_template("admin/news_form.html", form=form, item=None, delete_form=None)


@blueprint.route("/news/<int:news_id>", methods=["GET", "POST"])
@require(service.MANAGE)
def news_item(news_id: int):
    item = service.get_item(news_id)
    if item is None:
        abort(404)
    form = NewsForm()
    form.audience.choices = _audience_choices()
    audience = item.audience or {}
    current = f"{audience['filter']}:{audience['value']}" if audience else ""
    if current not in {value for value, _label in form.audience.choices}:
        # The plugin that offered this audience is off now: keep it selectable, so saving keeps it.
        form.audience.choices.append((current, describe(audience, offered_audiences(g.tenant)) or current))
    if not form.is_submitted():
        form.title.data, form.body.data = item.title, item.body
        form.published_at.data, form.expires_at.data = _to_local(item.published_at), _to_local(item.expires_at)
        form.important.data, form.public.data = item.important, item.public
        form.audience.data = current
    if form.validate_on_submit():
        response = _save(form, item)
        if response is not None:
            return response
    return render_template("admin/news_form.html", form=form, item=item, delete_form=EmptyForm(), now=utcnow())


@blueprint.post("/news/<int:news_id>/delete")
@require(service.MANAGE)
def delete_news(news_id: int):
    item = service.get_item(news_id)
    if item is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        service.delete_item(item)
        session.commit()
        flash(_("The news is deleted."), "success")
    return redirect(url_for("admin.news"))
