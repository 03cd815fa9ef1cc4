"""Password hashes at OWASP's argon2id cost, replaced at login when the parameters change, and checked with no
database transaction open (on SQLite another writer commits while a login hashes)."""

from __future__ import annotations

import sqlite3

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text

import core.identity.service as identity_service
from core.db import session, tenant_scope
from core.identity.models import User
from core.testing.fixtures import tenant_path

OWASP = "$argon2id$v=19$m=19456,t=2,p=1$"
PASSWORD = "Secret-pass-1"


@pytest.fixture
def isp(make_tenant):
    return make_tenant("isp", login_identifier="contract")


def _stored_hash(app, tenant, user_id: int) -> str:
    with app.app_context(), tenant_scope(tenant.id):
        return session.get(User, user_id).password_hash


def _set_hash(app, tenant, user_id: int, password_hash: str) -> None:
    with app.app_context(), tenant_scope(tenant.id):
        session.get(User, user_id).password_hash = password_hash
        session.commit()


def _log_in(app, tenant, login: str, password: str = PASSWORD) -> int:
    response = app.test_client().submit(tenant_path(tenant, "/login"), {"login": login, "password": password})
    return response.status_code


def test_new_passwords_are_hashed_at_owasps_argon2id_cost(app, isp, make_user):
    user = make_user(isp, "100200")
    assert _stored_hash(app, isp, user.id).startswith(OWASP)


def test_a_login_replaces_a_hash_made_with_older_parameters(app, isp, make_user):
    user = make_user(isp, "100200")
    old = PasswordHasher(memory_cost=65536, time_cost=3, parallelism=4).hash(PASSWORD)  # argon2-cffi's default
    _set_hash(app, isp, user.id, old)
    assert _log_in(app, isp, "100200", "Wrong-pass-1") == 401
    assert _stored_hash(app, isp, user.id) == old  # a wrong password changes nothing
    assert _log_in(app, isp, "100200") == 302
    renewed = _stored_hash(app, isp, user.id)
    assert renewed.startswith(OWASP) and renewed != old
    assert _log_in(app, isp, "100200") == 302  # the new hash verifies
    assert _stored_hash(app, isp, user.id) == renewed  # and is kept while the parameters stay


def test_changing_the_parameters_in_the_config_rehashes_at_the_next_login(app, isp, make_user):
    user = make_user(isp, "100200")
    assert _stored_hash(app, isp, user.id).startswith(OWASP)
    app.config.update(ARGON2_MEMORY_KIB=12 * 1024, ARGON2_TIME_COST=3)  # OWASP's m=12 MiB, t=3 row
    assert _log_in(app, isp, "100200") == 302
    assert _stored_hash(app, isp, user.id).startswith("$argon2id$v=19$m=12288,t=3,p=1$")


def test_another_writer_commits_while_a_login_checks_the_password(app, isp, make_user, abonent_database, monkeypatch):
    """The password is checked with no transaction open: on SQLite no write lock is held meanwhile."""
    user = make_user(isp, "100200")
    checked: list[tuple[bool, bool]] = []
    real_verify = identity_service.verify_password

    def verify_while_another_writer_commits(password_hash, password):
        checked.append((session.in_transaction(), _another_writer_commits(abonent_database, user.id)))
        return real_verify(password_hash, password)

    monkeypatch.setattr(identity_service, "verify_password", verify_while_another_writer_commits)
    assert _log_in(app, isp, "100200") == 302
    assert _log_in(app, isp, "100200", "Wrong-pass-1") == 401
    assert _log_in(app, isp, "nobody") == 401
    assert checked == [(False, True)] * 3
    with app.app_context(), tenant_scope(isp.id):
        stored = session.get(User, user.id)
        assert stored.full_name == "Written meanwhile" and stored.last_login_at is not None


def test_on_sqlite_a_login_holds_the_write_lock_only_for_its_writes(app, isp, make_user, abonent_database, client):
    """SQLite has one write lock for the whole database: a login takes it only once it has read and checked, and
    writes at once (no read waits inside its write transaction), through the page and through the API."""
    if abonent_database.dialect != "sqlite":
        pytest.skip("SQLite's write lock")
    make_user(isp, "100200")
    in_write: list[list[str]] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        verb = statement.split(None, 1)[0].upper()
        if statement.strip().upper() == "BEGIN IMMEDIATE":
            in_write.append([])
        elif verb in ("COMMIT", "ROLLBACK", "BEGIN"):
            return
        elif in_write and in_write[-1][-1:] != ["end"]:
            in_write[-1].append(verb)

    def ended(_conn) -> None:
        if in_write and in_write[-1][-1:] != ["end"]:
            in_write[-1].append("end")

    engine = app.extensions["abonent.db"].engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    try:
        assert _log_in(app, isp, "100200") == 302
        good_page = list(in_write)
        in_write.clear()
        answer = client.post(tenant_path(isp, "/api/v1/auth/login"), json={"login": "100200", "password": PASSWORD})
        assert answer.status_code == 200
        good_api = list(in_write)
        in_write.clear()
        assert _log_in(app, isp, "100200", "Wrong-pass-1") == 401
        failed = list(in_write)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)
    assert good_page == [["UPDATE", "INSERT", "end"]]  # the last login, the session
    assert good_api == [["UPDATE", "INSERT", "end"]]
    assert len(failed) == 1 and failed[0][0] == "INSERT"  # the failure counted: a write first


def _another_writer_commits(database, user_id: int) -> bool:
    """Whether a second connection can write and commit now, without waiting for a lock."""
    if database.dialect == "sqlite":
        path = create_engine(database.owner_url).url.database
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")  # fails at once with "database is locked" if a writer holds it
            connection.execute("UPDATE users SET full_name = 'Written meanwhile' WHERE id = ?", (user_id,))
            connection.execute("COMMIT")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            connection.close()
    engine = create_engine(database.owner_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '100ms'"))
            connection.execute(text("UPDATE users SET full_name = 'Written meanwhile' WHERE id = :id"), {"id": user_id})
        return True
    except Exception:
        return False
    finally:
        engine.dispose()
