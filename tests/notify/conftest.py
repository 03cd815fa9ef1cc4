"""A provider with a subscriber who has an e-mail address; ``send(user, kind, title)`` notifies them."""

from __future__ import annotations

import pytest

from core.db import session, tenant_scope
from core.identity.models import User
from core.notify.service import notify


@pytest.fixture
def isp(make_tenant):
    # English UI, so the tests read the msgids whatever the Russian catalogue says.
    return make_tenant("isp", login_identifier="contract", name="Уралсеть", locale="en")


@pytest.fixture
def subscriber(isp, make_user):
    return make_user(isp, "100200", email="ivanov@example.com", full_name="Иванов")


@pytest.fixture
def send(app):
    """``send(tenant, user, kind, title, **kwargs)`` calls ``notify`` and commits; returns the notice id."""

    def do_send(tenant, user, kind, title, **kwargs):
        with app.app_context(), tenant_scope(tenant.id):
            notice = notify(session.get(User, user.id), kind, title, tenant=session.merge(tenant), **kwargs)
            session.commit()
            return notice.id if notice is not None else None

    return do_send
