"""A notice reaches each user in their own language, whoever caused it and in whatever language they browse."""

from __future__ import annotations

from flask_babel import force_locale, lazy_gettext

from core.db import session, tenant_scope
from core.identity.models import User
from core.mail.models import OutboxMessage
from core.notify.models import Notification
from core.notify.service import Notice, notify, notify_each, notify_many


def _rows(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        notes = {n.user_id: (n.title, n.body) for n in session.query(Notification)}
        mails = {m.to: m.subject for m in session.query(OutboxMessage)}
    return notes, mails


def _people(isp, make_user):
    """One reader who chose Russian, one who chose English, one who left it to the site (English here)."""
    russian = make_user(isp, "100301", email="ru@example.com")
    english = make_user(isp, "100302", email="en@example.com")
    default = make_user(isp, "100303", email="site@example.com")
    return russian, english, default


def _set_locales(app, isp, russian, english):
    with app.app_context(), tenant_scope(isp.id):
        session.get(User, russian.id).locale = "ru"
        session.get(User, english.id).locale = "en"
        session.commit()


def test_notify_translates_a_lazy_title_for_each_recipient(app, isp, make_user):
    russian, english, default = _people(isp, make_user)
    _set_locales(app, isp, russian, english)
    # The actor browses in Russian; what each recipient reads must not follow the actor's language.
    with app.test_request_context(), force_locale("ru"), tenant_scope(isp.id):
        for person in (russian, english, default):
            notify(session.get(User, person.id), "payment_received", lazy_gettext("Payment received"), tenant=isp)
        session.commit()
    notes, mails = _rows(app, isp)
    assert notes[russian.id][0] == "Платёж зачислен"
    assert notes[english.id][0] == "Payment received"
    assert notes[default.id][0] == "Payment received"  # the site's language (English here)
    assert mails["ru@example.com"] == "Платёж зачислен"
    assert mails["en@example.com"] == "Payment received"


def test_plain_strings_are_kept_as_written(app, isp, make_user):
    russian, english, _ = _people(isp, make_user)
    _set_locales(app, isp, russian, english)
    with app.test_request_context(), tenant_scope(isp.id):
        notify(session.get(User, english.id), "payment_received", "Платёж 500 ₽ зачислен", tenant=isp)
        session.commit()
    notes, _ = _rows(app, isp)
    assert notes[english.id][0] == "Платёж 500 ₽ зачислен"


def test_bulk_paths_translate_per_recipient_too(app, isp, make_user):
    russian, english, default = _people(isp, make_user)
    _set_locales(app, isp, russian, english)
    with app.test_request_context(), force_locale("en"), tenant_scope(isp.id):
        users = [session.get(User, p.id) for p in (russian, english)]
        notify_many(users, "news", lazy_gettext("Provider news"), dedupe_key="news:1", tenant=isp)
        notify_each(
            [Notice(session.get(User, default.id), "payment_received", lazy_gettext("Payment received"))], tenant=isp
        )
        session.commit()
    notes, mails = _rows(app, isp)
    with app.test_request_context(), force_locale("ru"):
        russian_news = str(lazy_gettext("Provider news"))
    assert russian_news != "Provider news"  # the catalogue has it, so the test can tell the languages apart
    assert notes[russian.id][0] == russian_news
    assert notes[english.id][0] == "Provider news"
    assert notes[default.id][0] == "Payment received"
    assert mails["site@example.com"] == "Payment received"  # news goes in the app only by default
