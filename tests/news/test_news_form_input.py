"""The news form is read by a schema: a bad time or an audience not on the list is a field error, not a 500."""

from __future__ import annotations

from core.db import session, tenant_scope
from core.news.models import NewsItem
from core.testing.fixtures import tenant_path


def _count(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant.id):
        return session.query(NewsItem).count()


def test_a_time_that_is_not_a_time_is_a_field_error(app, isp, operator, login):
    staff = login(isp, operator)
    response = staff.submit(
        tenant_path(isp, "/admin/news/new"), {"title": "T", "body": "B", "published_at": "tomorrow"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="published_at-error">Not a valid datetime.' in html
    assert 'value="tomorrow"' in html and _count(app, isp) == 0


def test_an_audience_not_on_the_list_is_refused(app, isp, operator, login):
    staff = login(isp, operator)
    response = staff.submit(tenant_path(isp, "/admin/news/new"), {"title": "T", "body": "B", "audience": "x:1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose an audience from the list." in html
    assert _count(app, isp) == 0


def test_a_new_news_form_is_public_by_default_and_an_edit_shows_the_saved_item(app, isp, operator, login, add_news):
    staff = login(isp, operator)
    blank = staff.get(tenant_path(isp, "/admin/news/new")).get_data(as_text=True)
    assert (
        'name="public" id="public" value="y" checked' in blank and 'name="important" id="important" value="y">' in blank
    )
    item = add_news("Авария", public=False, important=True)
    page = staff.get(tenant_path(isp, f"/admin/news/{item.id}")).get_data(as_text=True)
    assert 'value="Авария"' in page
    assert 'name="important" id="important" value="y" checked' in page and 'id="public" value="y">' in page
