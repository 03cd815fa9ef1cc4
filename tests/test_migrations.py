"""`upgrade heads` on an empty database gives exactly the models (core and every plugin's branch)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from core.db.base import Base


def test_migrations_equal_models(app, abonent_database):
    engine = create_engine(abonent_database.owner_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == [], "models and migrations differ: run `abonent db revision -m ...`"


def test_every_installed_plugin_has_its_own_branch(app):
    from alembic.script import ScriptDirectory

    from core.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(app))
    branches = {label for rev in script.walk_revisions() for label in (rev.branch_labels or ())}
    assert "core" in branches
    for name, info in app.plugins.infos.items():
        if info.migrations:
            assert name in branches, f"plugin {name} must label its first revision branch_labels=({name!r},)"
