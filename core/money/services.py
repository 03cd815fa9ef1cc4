"""Names of the services money is charged for: core's common ones, and each plugin's (``service_titles``).

Postings carry a short service code (``internet``, a tariff's code, ``heating`` …); receipts and
statements show its name instead.
"""

from __future__ import annotations

from core.db.memo import request_memo
from core.plugins.state import tenant_hooks
from core.tenants.models import Tenant

CORE_SERVICE_TITLES = {
    "internet": "Интернет",
    "tv": "Телевидение",
    "iptv": "Телевидение",
    "phone": "Телефония",
    "telephony": "Телефония",
    "mobile": "Мобильная связь",
    "rent": "Аренда оборудования",
    "equipment": "Аренда оборудования",
    "maintenance": "Содержание и ремонт жилого помещения",
    "heating": "Отопление",
    "hot_water": "Горячее водоснабжение",
    "cold_water": "Холодное водоснабжение",
    "sewerage": "Водоотведение",
    "electricity": "Электроснабжение",
    "gas": "Газоснабжение",
    "waste": "Обращение с ТКО",
    "intercom": "Домофон",
    "security": "Охрана",
}


def operation_words(operation) -> str:
    """One history line in the viewer's words on the current site (``core.money.titles.operation_title``)."""
    from flask import g

    from core.money.titles import operation_title

    return operation_title(g.get("tenant"), operation)


def month_words(period: str | None) -> str:
    """``"2026-12"`` → "декабрь 2026" in the viewer's language (``core.money.titles.period_title``)."""
    from core.money.titles import period_title

    return period_title(period)


def service_titles(tenant: Tenant | None) -> dict[str, str]:
    """Every service code's printable name on ``tenant``'s site (plugins' names win over core's).

    The plugins are asked once per request (a page of operations names every line's service from one answer).
    """
    if tenant is None:
        return dict(CORE_SERVICE_TITLES)
    return dict(request_memo(("service_titles", tenant.id), lambda: _ask_plugins(tenant)))


def _ask_plugins(tenant: Tenant) -> dict[str, str]:
    titles = dict(CORE_SERVICE_TITLES)
    for answer in tenant_hooks(tenant).service_titles(tenant=tenant):
        titles.update({str(code): str(title) for code, title in (answer or {}).items()})
    return titles


def service_title(tenant: Tenant | None, code: str | None) -> str:
    """The name of service ``code`` (the code itself when nobody names it; empty for none)."""
    if not code:
        return ""
    return service_titles(tenant).get(code, code)
