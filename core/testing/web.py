"""A test client that behaves like a browser with forms (it reads the CSRF token from the page) and follows links."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_REL_LINK = re.compile(r'<a href="([^"]+)" rel="([^"]+)"')


def link_by_rel(page: str, rel: str) -> str | None:
    """The address of the page's ``<a … rel="next">`` (or ``prev``) link as a browser would follow it, or ``None``."""
    for href, rels in _REL_LINK.findall(page):
        if rel in rels.split():
            return html.unescape(href)
    return None


class FormClient(FlaskClient):
    """``client.submit(url, data)`` opens ``url`` (or ``form_url``), takes its CSRF token and posts ``data``."""

    def csrf_token(self, url: str) -> str:
        page = self.get(url)
        match = _CSRF.search(page.get_data(as_text=True))
        if match is None:
            raise AssertionError(f"no CSRF token on {url} (status {page.status_code})")
        return match.group(1)

    def submit(self, url: str, data: dict[str, Any] | None = None, *, form_url: str | None = None, **kwargs):
        payload = dict(data or {})
        payload["csrf_token"] = self.csrf_token(form_url or url)
        return self.post(url, data=payload, **kwargs)
