"""Alembic environment shared by core and plugin branches. Run through ``abonent db upgrade``.

When autogenerating, only the tables of the branch being written are considered (core's models
for core, a plugin's models for its branch), so one metadata serves every branch.
"""

from alembic import context

from core.db.base import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _table_modules() -> dict[str, str]:
    return {mapper.local_table.name: mapper.class_.__module__ for mapper in Base.registry.mappers}


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
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


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations with `abonent db upgrade` (it passes the app's engine)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=_include_object,
            render_item=_render_item,
            on_version_apply=_record_step,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
