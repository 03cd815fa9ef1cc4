"""Bulk e-mails (core.mail.outbox.render_mails) read exactly as the same messages rendered one by one."""

from __future__ import annotations

import pytest

from core.db import session, tenant_scope
from core.mail.outbox import Letter, render_mail, render_mails
from core.tenants.models import Tenant

ODD = "100 % {{ not jinja }} <b>&amp;</b> \\ «ёлка»"


@pytest.fixture
def letters() -> list[Letter]:
    fields = [
        {"name": "Анна", "title": "Платёж 1 500,00 ₽", "body": "Лицевой счёт 100200.", "link": ""},
        {"name": ODD, "title": ODD, "body": "", "link": "https://isp.example/pay"},
        {"name": "Bob", "title": "Payment", "body": ODD, "link": "https://isp.example/?a=1&b=2"},
        {"name": "Eve", "title": "Платёж 2,00 ₽", "body": "Лицевой счёт 100201.", "link": ""},
        {"name": "", "title": "", "body": "", "link": ""},
    ]
    return [Letter(f"user{n}@example.com", f"Subject {n} {ODD}", f) for n, f in enumerate(fields)]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_each_message_is_what_rendering_it_alone_gives(app, isp, letters, locale):
    with app.app_context(), tenant_scope(isp.id):
        tenant = session.get(Tenant, isp.id)
        tenant.contacts = {"hotline": ["8 800 000-00-00"]}
        alone = [
            render_mail(
                letter.to,
                letter.subject,
                "notification",
                kind="notify:x",
                locale=locale,
                tenant=tenant,
                **letter.fields,
            )
            for letter in letters
        ]
        together = render_mails("notification", letters, kind="notify:x", locale=locale, tenant=tenant)
        assert together == alone
        assert ODD in together[1]["body_text"] and "Анна" in together[0]["body_text"]


def test_a_field_the_template_does_not_print_renders_each_message_in_full(app, isp, letters):
    with app.app_context(), tenant_scope(isp.id):
        tenant = session.get(Tenant, isp.id)
        odd = [Letter(letter.to, letter.subject, {**letter.fields, "unused": "x"}) for letter in letters]
        alone = [
            render_mail(letter.to, letter.subject, "notification", locale="ru", tenant=tenant, **letter.fields)
            for letter in odd
        ]
        assert render_mails("notification", odd, locale="ru", tenant=tenant) == alone
        assert render_mails("notification", [], locale="ru", tenant=tenant) == []
