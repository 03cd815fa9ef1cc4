"""`abonent demo` prepares a database whose printed logins all work (run twice: idempotent)."""

import re

from click.testing import CliRunner

from core.app import create_app
from core.cli.main import cli
from core.testing.web import FormClient

LOGIN_LINE = re.compile(r"login (\S+)\s+password (\S+)")


def test_demo_prints_logins_that_work(tmp_path, monkeypatch):
    monkeypatch.setenv("ABONENT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("ABONENT_DATABASE_URL", raising=False)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    urls = re.findall(r"http://\S+", first.output)
    assert "http://uralnet.localhost:5000/" in urls and "http://yakutcenter.localhost:5000/" in urls
    app = create_app({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'abonent.db'}"})
    app.test_client_class = FormClient
    client_for = {}
    sections = re.split(r"\n  (?=\S)", first.output)
    checked = 0
    for section in sections:
        site = re.search(r"http://127\.0\.0\.1:5000(/t/[a-z0-9-]+)?/", section)
        if not site:
            continue
        prefix = site.group(1) or ""
        for login, password in LOGIN_LINE.findall(section):
            client = client_for.setdefault((prefix, login), app.test_client())
            response = client.submit(f"{prefix}/login", {"login": login, "password": password})
            assert response.status_code == 302, (prefix, login)
            checked += 1
    assert checked >= 6
