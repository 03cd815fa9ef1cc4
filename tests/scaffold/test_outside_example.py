"""``examples/acme-guard``: a plugin kept outside Abonent's packages, installed with pip from its own folder.

It is a committed project, not regenerated: when a change to ``core.api`` breaks an outside plugin written
against it, this test is red. Its own tests run in the throwaway virtualenv (SQLite, or PostgreSQL when
``ABONENT_TEST_DATABASE_URL`` says so, as CI's second run does).
"""

from __future__ import annotations

import shutil

from tests.scaffold.outside import REPO, install_and_test, ruff_problems

EXAMPLE = REPO / "examples" / "acme-guard"


def test_the_outside_example_installs_and_passes_its_tests(tmp_path):
    project = tmp_path / "acme-guard"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    assert ruff_problems(project) == []
    run = install_and_test(project, tmp_path)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
