"""`abonent demo` prepares a database whose printed logins all work (run twice: idempotent)."""

import re
import subprocess
from pathlib import Path

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


README = Path(__file__).resolve().parents[1] / "README.md"
MAKEFILE = README.parent / "Makefile"


def test_readme_lists_every_demo_login(tmp_path, monkeypatch):
    """Every login/password the demo prints is in the README's table, in its site's row; TCTR has an operator."""
    monkeypatch.setenv("ABONENT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("ABONENT_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    rows = [line for line in README.read_text().splitlines() if line.startswith("| ")]
    missing = []
    for section in re.split(r"\n  (?=\S)", result.output):
        if "password" not in section:
            continue
        site = section.split(":", 1)[0].strip()  # "Platform administration" or the tenant's name
        row = next((line for line in rows if line.startswith(f"| {site}")), "")
        missing += [
            (site, login) for login, password in LOGIN_LINE.findall(section) if f"`{login}` / `{password}`" not in row
        ]
    assert not missing, f"README lacks these demo logins: {missing}"
    tctr = re.search(r"Саха ТелеЦентр:\n(.*?)(?:\n  \S|\n\n)", result.output, re.S).group(1)
    assert re.search(r"login operator .*\(operator\)", tctr)


def test_make_demo_takes_a_port():
    """``make demo PORT=8123`` serves the demo on that port, and the README says so."""
    dry_run = subprocess.run(
        ["make", "-n", "-f", str(MAKEFILE), "demo", "PORT=8123"], capture_output=True, text=True, check=True
    )
    assert "abonent demo --port 8123" in dry_run.stdout
    assert "make demo PORT=" in README.read_text()
