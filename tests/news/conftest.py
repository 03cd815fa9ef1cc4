"""A provider with an operator and subscribers; helpers to publish news and move the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import session, tenant_scope, utcnow
from core.news import service


@pytest.fixture
def isp(make_tenant):
    # English UI, so the tests read the msgids whatever the Russian catalogue says.
    return make_tenant("isp", login_identifier="email", name="Уралсеть", timezone="Asia/Yekaterinburg", locale="en")


@pytest.fixture
def operator(isp, make_user):
    return make_user(isp, "operator@isp.example", roles=("operator",), full_name="Operator")


@pytest.fixture
def subscriber(isp, make_user):
    return make_user(isp, "ivanov@isp.example", full_name="Иванов [basic]")


@pytest.fixture
def add_news(app, isp):
    """``add_news(title, **fields)`` stores an item directly (published now unless told otherwise)."""

    def add(title: str, body: str = "Text of the news.", **fields):
        from flask import g

        fields.setdefault("published_at", None)
        fields.setdefault("expires_at", None)
        fields.setdefault("important", False)
        fields.setdefault("public", True)
        fields.setdefault("audience", None)
        with app.test_request_context(), tenant_scope(isp.id):
            g.tenant = session.merge(isp)
            item = service.save_item(None, title=title, body=body, **fields)
            session.commit()
            session.expunge(item)
        return item

    return add


@pytest.fixture
def clock(monkeypatch):
    """``clock(hours=…)`` moves the news service's clock forward."""

    def move(**delta):
        moved = utcnow() + timedelta(**delta)
        monkeypatch.setattr(service, "utcnow", lambda: moved)
        return moved

    return move
