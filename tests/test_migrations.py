"""`upgrade heads` on an empty database gives exactly the models (core and every plugin's branch)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from core.db.base import Base
from core.migrate import include_object


def test_migrations_equal_models(app, abonent_database):
    engine = create_engine(abonent_database.owner_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
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


def test_primary_keys_equal_models(app, abonent_database):
    """Alembic's comparison skips primary keys: compare them here (SQLite stores ``(tenant_id, id)`` as
    ``PRIMARY KEY (id)`` + ``UNIQUE (tenant_id, id)``, see core.db.tenant_keys)."""
    from sqlalchemy import inspect

    from core.db.tenant_keys import own_key_column, sqlite_key_name

    engine = create_engine(abonent_database.owner_url)
    inspector = inspect(engine)
    wrong = []
    for table in Base.metadata.sorted_tables:
        reflected = inspector.get_pk_constraint(table.name)["constrained_columns"]
        expected = [c.name for c in table.primary_key.columns]
        own = own_key_column(table)
        if engine.dialect.name == "sqlite" and own is not None:
            expected = [own.name]
            uniques = {u["name"]: u["column_names"] for u in inspector.get_unique_constraints(table.name)}
            if sorted(uniques.get(sqlite_key_name(table)) or []) != sorted(["tenant_id", own.name]):
                wrong.append(f"{table.name}: no {sqlite_key_name(table)}")
        if sorted(reflected) != sorted(expected):
            wrong.append(f"{table.name}: key {reflected}, models {expected}")
    engine.dispose()
    assert wrong == []


def test_generated_ids_stay_generated(app, abonent_database):
    """Every model id the database generates has a sequence (PostgreSQL) or is the rowid (SQLite)."""
    from sqlalchemy import inspect, text

    engine = create_engine(abonent_database.owner_url)
    inspector = inspect(engine)
    missing = []
    for table in Base.metadata.sorted_tables:
        column = table._autoincrement_column
        if column is None:
            continue
        if engine.dialect.name == "postgresql":
            default = next(c for c in inspector.get_columns(table.name) if c["name"] == column.name)["default"]
            if not (default or "").startswith("nextval("):
                missing.append(table.name)
        else:
            with engine.connect() as connection:
                sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table.name})
                if f"PRIMARY KEY ({column.name})" not in sql.scalar():
                    missing.append(table.name)
    engine.dispose()
    assert missing == []
