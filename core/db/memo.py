"""Reads remembered for the rest of a request and forgotten at its first write.

A page asks the same questions from several places — the current account, its contract, the
contract's running freeze — through hooks that know nothing of each other. :func:`request_memo`
answers each question once per request:

* only inside a request (jobs and commands always read afresh);
* the memo lives on the request's database session and is dropped at every flush and rollback,
  and no answer is given from it or kept while the session holds unflushed changes — so code that
  writes and then reads again sees what it wrote.

Keys name what is asked (``("isp.contract_of", account_id)``); values are usually ORM objects of
the same session.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
_KEY = "abonent.request_memo"


def _clean(db: Session) -> bool:
    return not (db.new or db.deleted or db.dirty)


def request_memo(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``'s answer, remembered under ``key`` until this request writes anything."""
    if not has_request_context():
        return read()
    from core.db.session import get_session

    db = get_session()
    if not _clean(db):
        return read()
    memo = db.info.setdefault(_KEY, {})
    if key in memo:
        return memo[key]
    value = read()
    if _clean(db):
        db.info.setdefault(_KEY, {})[key] = value
    return value


def _forget(db: Session, *_args) -> None:
    db.info.pop(_KEY, None)


def install_memo(factory: sessionmaker) -> None:
    """Drop the memo of a session at each flush and rollback (installed on every session)."""
    event.listen(factory, "after_flush", _forget)
    event.listen(factory, "after_soft_rollback", _forget)
