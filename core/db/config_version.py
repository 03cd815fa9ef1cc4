"""Per-process caches of the sites' configuration, kept correct by one version counter in the database.

What a page needs before its view runs — the tenant, the plugins it has enabled, their settings — changes
rarely (an administrator saves a form) but is read on every request. Each worker keeps it in a
:class:`ProcessCache` on the app; the one row of ``config_version`` says whether the copy is still good:

* a model whose rows are configuration is marked with :func:`invalidates_caches`; any flush that adds,
  changes or deletes such a row bumps the counter in the same transaction (so every worker sees the
  change when it commits, and never before);
* each request reads the counter once (:func:`config_version`, one small statement) and a cache built
  for another version is dropped;
* a request that changed configuration itself reads past the caches until it ends (what it built may
  yet be rolled back).

Several workers and servers stay consistent because the counter lives in the shared database; nothing
needs to be sent between them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import BigInteger, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db.base import Base

T = TypeVar("T")
ROW_ID = 1
_WATCHED: set[type] = set()
_CHANGED_KEY = "abonent.config_changed"


class ConfigVersion(Base):
    """The one row whose ``value`` grows whenever a site's configuration changes (platform-wide)."""

    __tablename__ = "config_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


def invalidates_caches(model: type[T]) -> type[T]:
    """Class decorator: writing rows of ``model`` makes every worker drop its per-process caches."""
    _WATCHED.add(model)
    return model


def _bump_on_flush(session: Session, _flush_context, _instances) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if not any(isinstance(obj, tuple(_WATCHED)) for obj in touched):
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(ConfigVersion).values(id=ROW_ID, value=1)
    session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"value": ConfigVersion.value + 1}))
    session.info[_CHANGED_KEY] = True
    if has_request_context():
        g.pop("config_version", None)


def _forget_change(session: Session, *_args) -> None:
    session.info.pop(_CHANGED_KEY, None)


def install_version_watch(factory: sessionmaker) -> None:
    """Bump the counter on every flush that writes configuration (installed on every session)."""
    event.listen(factory, "before_flush", _bump_on_flush)
    event.listen(factory, "after_commit", _forget_change)
    event.listen(factory, "after_rollback", _forget_change)


_READ_VERSION = select(ConfigVersion.value).where(ConfigVersion.id == ROW_ID)  # built once: every request reads it


def config_version() -> int | None:
    """The counter as this request sees it (read once per request); ``None`` where caches must not be used.

    Outside a request (jobs, commands) and after this request changed configuration itself, the
    caches are bypassed: the answer is ``None``.
    """
    from core.db.session import get_session

    if not has_request_context():
        return None
    db = get_session()
    if db.info.get(_CHANGED_KEY):
        return None
    store = g._get_current_object()
    version = getattr(store, "config_version", None)
    if version is None:
        version = store.config_version = db.scalar(_READ_VERSION) or 0
    return version


class ProcessCache:
    """Values built from configuration, kept by one worker while the counter stays the same."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._values: dict[Hashable, Any] = {}
        self._lock = Lock()

    def get(self, key: Hashable, build: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
        """The cached value for ``key``, built (and kept, unless ``keep`` says no) on first use under the version."""
        version = config_version()
        if version is None:
            return build()
        with self._lock:
            if self._version != version:
                self._version, self._values = version, {}
            if key in self._values:
                return self._values[key]
        value = build()
        if keep is not None and not keep(value):
            return value
        with self._lock:
            if self._version == version:
                self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._version, self._values = None, {}


def process_cache(app: Flask | None = None) -> ProcessCache:
    """The app's cache (one per app and worker process, never a module global)."""
    app = app or (current_app._get_current_object() if has_app_context() else None)
    if app is None:
        raise RuntimeError("process_cache() needs an app")
    cache = app.extensions.get("abonent.process_cache")
    if cache is None:
        cache = app.extensions.setdefault("abonent.process_cache", ProcessCache())
    return cache
