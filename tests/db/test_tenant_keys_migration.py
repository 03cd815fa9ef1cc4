"""The keys revisions convert a database full of rows (every plugin's world) and back, keeping every row."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from core.db.base import Base
from core.migrate import alembic_config, grant_role

BEFORE_KEYS = "7b3e5a91c2d4"  # core's revision before 45dee0f76e32 (the plugins' keys revisions depend on it)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _foreign_key(engine, table: str, name: str) -> list[str]:
    return next(fk for fk in inspect(engine).get_foreign_keys(table) if fk["name"] == name)["constrained_columns"]


def test_keys_revisions_keep_every_row_both_ways(app, abonent_database, abonent_world):
    from core.testing.fixtures import APP_ROLE, empty_all_tables

    abonent_world("acme")
    config = alembic_config(app)
    engine = create_engine(abonent_database.owner_url)
    config.attributes["engine"] = engine
    try:
        before = _counts(engine)
        assert before["users"] and before["postings"] and before["isp_subscriptions"] and before["housing_meters"]
        assert _foreign_key(engine, "isp_subscriptions", "fk_isp_subscriptions_contract_id_isp_contracts") == [
            "tenant_id",
            "contract_id",
        ]

        command.downgrade(config, BEFORE_KEYS)
        assert _counts(engine) == before
        assert _foreign_key(engine, "isp_subscriptions", "fk_isp_subscriptions_contract_id_isp_contracts") == [
            "contract_id"
        ]
        assert _foreign_key(engine, "auth_sessions", "fk_auth_sessions_user_id_users") == ["user_id"]
        assert inspect(engine).get_pk_constraint("users")["constrained_columns"] == ["id"]

        command.upgrade(config, "heads")
        assert _counts(engine) == before
        for table, name, column in (
            ("auth_sessions", "fk_auth_sessions_user_id_users", "user_id"),
            ("isp_contracts", "fk_isp_contracts_personal_account_id_personal_accounts", "personal_account_id"),
            ("dmdk_employees", "fk_dmdk_employees_organization_id_organizations", "organization_id"),
            ("housing_readings", "fk_housing_readings_meter_id_housing_meters", "meter_id"),
        ):
            assert sorted(_foreign_key(engine, table, name)) == sorted(["tenant_id", column]), name
        with engine.begin() as connection:  # ids go on from the largest after the copy (SQLite) or the swap
            largest = connection.execute(text("SELECT max(id) FROM ledger_accounts")).scalar_one()
            tenant = connection.execute(text("SELECT min(id) FROM tenants")).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO ledger_accounts (tenant_id, code, kind, title, balance, created_at) "
                    "VALUES (:t, 'keys-test', 'liability', 'x', 0, CURRENT_TIMESTAMP)"
                ),
                {"t": tenant},
            )
            added = connection.execute(text("SELECT id FROM ledger_accounts WHERE code = 'keys-test'")).scalar_one()
        assert added > largest
    finally:
        command.upgrade(config, "heads")
        grant_role(engine, APP_ROLE)
        empty_all_tables(abonent_database.owner_url)
        engine.dispose()
