"""Alembic environment shared by core and plugin branches. Run through ``abonent db upgrade``.

When autogenerating, only the tables of the branch being written are considered (core's models
for core, a plugin's models for its branch), so one metadata serves every branch.
"""

from alembic import context

from core.db.base import Base, UTCDateTime
from core.migrate import include_object

config = context.config
target_metadata = Base.metadata


def _table_modules() -> dict[str, str]:
    return {mapper.local_table.name: mapper.class_.__module__ for mapper in Base.registry.mappers}


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    if not include_object(obj, name, type_, reflected, compare_to):
        return False
    prefix = config.attributes.get("autogenerate_prefix")
    if not prefix:
        return True
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    module = _table_modules().get(table or "")
    return module is not None and module.startswith(prefix)


def _render_item(type_, obj, autogen_context):
    # Our UTCDateTime is a TypeDecorator over a timezone-aware DateTime: write the plain type.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _record_step(ctx, step, heads, run_args) -> None:
    # ``abonent db upgrade`` prints what it applied: "<revision> <branch label or message>".
    if not step.is_upgrade:  # a downgrade step records nothing (it has no single revision to name)
        return
    revision = step.up_revision
    if revision is None:
        return
    config.attributes.setdefault("applied", []).append(f"{revision.revision} {revision.doc}".strip())


def _sqlite_foreign_keys(connection, on: bool) -> None:
    # A PRAGMA outside any transaction (it is a no-op inside one), on the driver's connection.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_sqlite_foreign_keys(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:10]}")


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations with `abonent db upgrade` (it passes the app's engine)")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # SQLite changes a table by copying it (batch mode); dropping the old copy with foreign keys on would
        # delete (cascade) or refuse the rows pointing at it. So migrations run with them off, as SQLite's
        # documentation advises, and every foreign key is checked before the commit.
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_object=_include_object,
                render_item=_render_item,
                on_version_apply=_record_step,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


run_migrations_online()
