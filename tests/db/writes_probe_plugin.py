"""A test plugin with two GET pages that read, let another connection write, then write themselves."""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app
from sqlalchemy import make_url, select

from core.api import PluginInfo, User, hookimpl, public, session, writes_on_get

plugin_info = PluginInfo(name="writes_probe", version="0.1", title="Writes probe", description="Test plugin.")

web = Blueprint("writes_probe", __name__, url_prefix="/probe")


def _another_writer_commits(user_id: int) -> bool:
    """Whether another connection could write and commit now, without waiting (it fails while a writer holds
    the lock)."""
    path = make_url(current_app.config["DATABASE_URL"]).database
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE users SET phone = '+70000000000' WHERE id = ?", (user_id,))
        connection.execute("COMMIT")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


def _read_then_write(name: str) -> dict[str, bool]:
    user = session.scalar(select(User).order_by(User.id).limit(1))  # the transaction reads first
    meanwhile = _another_writer_commits(user.id)
    user.full_name = name  # and writes later
    session.commit()
    return {"another_writer_committed_meanwhile": meanwhile}


@web.route("/plain")
@public
def plain():
    return _read_then_write("plain")


@web.route("/marked")
@public
@writes_on_get
def marked():
    return _read_then_write("marked")


@hookimpl
def register_blueprints():
    return [web]
