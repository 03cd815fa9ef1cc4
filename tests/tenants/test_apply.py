"""Tenants as files: plan, apply idempotently, reject bad files without applying anything."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli.main import cli

REPO_TENANTS = Path(__file__).resolve().parents[2] / "core" / "cli" / "demo_tenants"


@pytest.fixture
def runner(app, monkeypatch):
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    return CliRunner()


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "tenants"
    shutil.copytree(REPO_TENANTS, target)
    return target


def _apply(runner, folder, *extra):
    return runner.invoke(cli, ["tenants", "apply", str(folder), *extra])


def test_first_apply_creates_second_finds_no_change(runner, folder):
    first = _apply(runner, folder)
    assert first.exit_code == 0, first.output
    assert "create  uralnet" in first.output and "create  yakutcenter" in first.output
    second = _apply(runner, folder)
    assert second.exit_code == 0
    assert "no change  uralnet" in second.output and "no change  yakutcenter" in second.output
    assert "no change  uyutdom" in second.output
    assert "applied: 0 changed, 3 unchanged" in second.output


def test_dry_run_prints_the_plan_and_writes_nothing(runner, folder):
    dry = _apply(runner, folder, "--dry-run")
    assert dry.exit_code == 0 and "create  uralnet" in dry.output and "dry run" in dry.output
    assert "uralnet" not in runner.invoke(cli, ["tenants", "list"]).output


def test_a_change_shows_in_the_plan_with_the_changed_fields(runner, folder):
    _apply(runner, folder)
    path = folder / "uralnet.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('primary_color = "#0b4f9c"', 'primary_color = "#112233"'),
        encoding="utf-8",
    )
    changed = _apply(runner, folder)
    assert "update  uralnet (branding)" in changed.output
    assert '"primary_color": "#112233"' in runner.invoke(cli, ["tenants", "show", "uralnet"]).output


def test_a_bad_file_is_reported_with_file_field_and_reason_and_nothing_is_applied(runner, folder):
    bad = folder / "zz-bad.toml"
    bad.write_text(
        'slug = "Bad Slug"\nname = "X"\ntimezone = "Mars/Base"\n'
        '[bank]\nbic = "044525225"\naccount = "40702810000000000000"\n'
        "[plugins.faq]\nsettings = { dashboard_count = 0 }\n",
        encoding="utf-8",
    )
    result = _apply(runner, folder)
    assert result.exit_code == 1
    for field in ("slug", "timezone", "bank.account"):
        assert f"zz-bad.toml: {field}:" in result.output, result.output
    assert "nothing applied" in result.output
    assert "uralnet" not in runner.invoke(cli, ["tenants", "list"]).output  # the good files were not applied either


def test_plugin_settings_in_a_file_are_checked_by_the_plugins_schema(runner, folder):
    path = folder / "uralnet.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("dashboard_count = 3", "dashboard_count = 0, colour = 1"),
        encoding="utf-8",
    )
    result = _apply(runner, folder)
    assert result.exit_code == 1
    assert "plugins.faq.settings.dashboard_count" in result.output and "plugins.faq.settings.colour" in result.output


def test_a_domain_cannot_belong_to_two_tenants(runner, folder):
    path = folder / "yakutcenter.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"yakutcenter.localhost"', '"uralnet.localhost"'), encoding="utf-8"
    )
    result = _apply(runner, folder)
    assert result.exit_code == 1 and "uralnet.localhost also used by" in result.output


def test_invalid_toml_is_reported(runner, folder):
    (folder / "broken.toml").write_text("slug = \n", encoding="utf-8")
    result = _apply(runner, folder)
    assert result.exit_code == 1 and "broken.toml: -: not valid TOML" in result.output


def test_a_logo_file_is_judged_by_its_content_and_svg_is_refused(runner, folder):
    (folder / "logos" / "evil.png").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    path = folder / "uralnet.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('logo = "logos/uralnet.png"', 'logo = "logos/evil.png"'),
        encoding="utf-8",
    )
    result = _apply(runner, folder)
    assert result.exit_code == 1 and "uralnet.toml: branding.logo: must be a PNG, JPEG, WebP or GIF" in result.output


def test_contact_links_must_be_web_addresses(runner, folder):
    path = folder / "yakutcenter.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"https://yakutcenter.example/chat"', '"javascript:alert(1)"'),
        encoding="utf-8",
    )
    result = _apply(runner, folder)
    assert result.exit_code == 1 and "yakutcenter.toml: contacts.chat_url: an http:// or https:// address" in (
        result.output
    )
