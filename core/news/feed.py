"""The Atom feed (RFC 4287) of a tenant's public news, built with the standard library."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from core.news.models import NewsItem
from core.tenants.models import Tenant
from core.tenants.urls import external_url

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MIMETYPE = "application/atom+xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def rfc3339(moment: datetime) -> str:
    """``2026-11-01T09:30:00Z``: Atom's date format, always in UTC."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _NOT_XML.sub("", text)  # XML 1.0 cannot carry these characters at all
    return element


def atom_feed(tenant: Tenant, items: Sequence[NewsItem], title: str) -> bytes:
    """The feed document for ``items`` (public news), with absolute links of the tenant's site."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: tenant.locale or "ru"})
    self_url = external_url(tenant, "news.feed")
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    updated = max((item.published_at for item in items), default=tenant.created_at)
    _add(feed, "updated", rfc3339(updated))
    _add(feed, "link", rel="self", type=MIMETYPE, href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=external_url(tenant, "news.index"))
    author = _add(feed, "author")
    _add(author, "name", tenant.name)
    _add(feed, "generator", "Abonent")
    for item in items:
        entry = _add(feed, "entry")
        link = external_url(tenant, "news.public_item", news_id=item.id)
        _add(entry, "id", link)
        _add(entry, "title", item.title)
        _add(entry, "published", rfc3339(item.published_at))
        _add(entry, "updated", rfc3339(item.published_at))
        _add(entry, "link", rel="alternate", type="text/html", href=link)
        _add(entry, "content", item.body, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
