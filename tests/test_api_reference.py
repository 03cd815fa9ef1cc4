"""The ``core.api`` reference: every public name is documented, and ``docs/api.md`` is what the code says."""

from __future__ import annotations

import types
from pathlib import Path

from click.testing import CliRunner

from core.cli.main import cli
from core.docs.apiref import REGENERATE, api_reference_markdown, undocumented

API_MD = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_every_public_name_of_core_api_has_a_docstring():
    assert undocumented() == [], "document these core.api names (a docstring, or OBJECT_DOCS for plain objects)"


def test_an_undocumented_name_is_caught():
    module = types.ModuleType("fake_api")

    def documented():
        """Does something."""

    def bare():
        pass

    class Bare(ValueError):
        pass

    module.documented, module.bare, module.Bare, module.LIMIT = documented, bare, Bare, 5
    module.__all__ = ["documented", "bare", "Bare", "LIMIT"]
    assert undocumented(module) == ["bare", "Bare", "LIMIT"]


def test_api_md_is_up_to_date():
    assert API_MD.read_text(encoding="utf-8") == api_reference_markdown(), (
        f"docs/api.md is stale or missing: run `{REGENERATE}`"
    )


def test_the_reference_shows_signatures_fields_and_docstrings():
    text = api_reference_markdown()
    assert "## `format_money`" in text
    assert "format_money(kopecks: int" in text  # the signature, annotations as written
    assert "## `Transfer`" in text and "- `from_account_id: int`" in text  # the fields
    assert "## `ledger`" in text and "- `post_transfers(transfers: Sequence[Transfer]) -> BatchResult`" in text
    assert " at 0x" not in text  # no memory addresses: the output is the same on every run


def test_the_command_writes_the_reference(tmp_path):
    target = tmp_path / "docs" / "api.md"
    result = CliRunner().invoke(cli, ["docs", "api", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == api_reference_markdown()
