"""A provider site with a subscriber, a second subscriber, an operator and an administrator."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.testing.fixtures import tenant_path

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 10 + b"%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500  # a Windows program, whatever its name says


@dataclass
class Site:
    tenant: object
    subscriber: object
    neighbour: object
    operator: object
    admin: object


@pytest.fixture
def site(make_tenant, make_user) -> Site:
    tenant = make_tenant("isp", login_identifier="contract", name="УралСеть", locale="en")
    return Site(
        tenant=tenant,
        subscriber=make_user(tenant, "100200", full_name="Ivanov", email="ivanov@example.com"),
        neighbour=make_user(tenant, "100300", full_name="Petrov", email="petrov@example.com"),
        operator=make_user(
            tenant, "operator", roles=("operator",), full_name="Olga Operator", email="olga@isp.example"
        ),
        admin=make_user(tenant, "admin", roles=("tenant_admin",), full_name="Anna Admin", email="anna@isp.example"),
    )


def url(site: Site, path: str) -> str:
    return tenant_path(site.tenant, path)


def open_via_web(client, site: Site, *, subject="No internet", body="The link is down since morning.", files=()):
    """Submit the new-request form; ``files`` are (bytes, filename) pairs."""
    data = {"category": "technical", "subject": subject, "body": body}
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    return client.submit(url(site, "/support/new"), data, content_type="multipart/form-data")


def ticket_id_from(response) -> int:
    match = re.search(r"/support/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def stored_files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_DIR"]) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
