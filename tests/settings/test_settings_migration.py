"""The one-store migration moves plugins' settings into tenant_settings and back again on downgrade."""

import json

from alembic import command
from sqlalchemy import create_engine, text

from core.migrate import alembic_config, grant_role

ONE_STORE = "4c1d2e7f9a30"
BEFORE = "3ae0f70865e8"


def _json(value):
    return value if isinstance(value, dict) else json.loads(value)


def _rows(engine, sql):
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_plugin_settings_move_to_the_one_store_and_back(app, abonent_database, make_tenant):
    from core.testing.fixtures import APP_ROLE, empty_all_tables

    tenant = make_tenant("isp")
    config = alembic_config(app)
    engine = create_engine(abonent_database.owner_url)
    config.attributes["engine"] = engine
    try:
        command.downgrade(config, BEFORE)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO tenant_plugins (tenant_id, plugin, enabled, settings, updated_at) "
                    "VALUES (:tenant, 'faq', true, :settings, CURRENT_TIMESTAMP)"
                ),
                {"tenant": tenant.id, "settings": '{"title": "Вопросы"}'},
            )
        command.upgrade(config, ONE_STORE)
        moved = _rows(engine, 'SELECT tenant_id, namespace, "values" FROM tenant_settings')
        assert [(r[0], r[1]) for r in moved] == [(tenant.id, "faq")]
        assert _json(moved[0][2]) == {"title": "Вопросы"}

        command.downgrade(config, BEFORE)
        assert _rows(engine, "SELECT namespace FROM tenant_settings") == []
        back = _rows(engine, "SELECT plugin, settings FROM tenant_plugins")
        assert back[0][0] == "faq" and _json(back[0][1]) == {"title": "Вопросы"}
    finally:
        command.upgrade(config, "heads")
        grant_role(engine, APP_ROLE)  # tables the downgrade dropped come back owned by the owner alone
        empty_all_tables(abonent_database.owner_url)
        engine.dispose()
