"""``abonent docs``: documentation generated from the code."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from core.docs.apiref import api_reference_markdown
from core.docs.hookref import hook_reference_markdown

docs = AppGroup("docs", help="Documentation generated from the code.")


@docs.command("hooks", with_appcontext=False)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the Markdown to this file instead of printing it.",
)
def hooks_command(output: Path | None) -> None:
    """Print the hook reference (every hookspec and the public core.api names) as Markdown."""
    _write(hook_reference_markdown(), output)


@docs.command("api", with_appcontext=False)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the Markdown to this file instead of printing it.",
)
def api_command(output: Path | None) -> None:
    """Print the core.api reference (every public name: signature, fields, docstring) as Markdown."""
    _write(api_reference_markdown(), output)


def _write(markdown: str, output: Path | None) -> None:
    if output is None:
        click.echo(markdown, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(markdown)
    click.echo(f"wrote {output}")
