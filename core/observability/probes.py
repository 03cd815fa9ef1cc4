"""``/healthz`` (the process is alive), ``/readyz`` (it can serve: database, Redis) and ``/metrics``.

These answer on any host name, without a tenant. ``/metrics`` is for the monitoring system: it answers requests
from loopback and private networks, or anyone sending ``Authorization: Bearer <ABONENT_METRICS_TOKEN>``.
"""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from core.access.guard import public
from core.db import session
from core.observability.metrics import exposition

blueprint = Blueprint("ops", __name__)

#: Endpoints that need no tenant (the web shell lets them through on any host).
ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})


@blueprint.get("/healthz")
@public
def healthz():
    """Liveness: the process answers. It checks nothing else, so a database outage never restarts app servers."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
@public
def readyz():
    """Readiness: every part this server needs answers; 503 and the failing part otherwise."""
    checks = {"database": _database()}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        checks["redis"] = _redis(redis_url)
    ready = all(state == "ok" for state in checks.values())
    return jsonify(status="ok" if ready else "degraded", **checks), 200 if ready else 503


@blueprint.get("/metrics")
@public
def metrics():
    """Prometheus metrics of every worker of this server."""
    if not _may_scrape():
        abort(404)
    body, content_type = exposition()
    return Response(body, content_type=content_type)


def _database() -> str:
    try:
        session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:
        session.rollback()
        current_app.logger.warning("readiness: database unavailable: %s", error)
        return "unavailable"


def _redis(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception as error:
        current_app.logger.warning("readiness: redis unavailable: %s", error)
        return "unavailable"


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private
