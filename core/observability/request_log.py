"""A request id on every request and every log line; JSON logs for production.

The id comes from the balancer's ``X-Request-ID`` when it is a sane token, else a new one; it is sent back in the
response header. With ``ABONENT_LOG_FORMAT=json`` every log line is one JSON object carrying the request id,
tenant and user (when there is a request), so lines from many servers can be joined.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from core.observability.metrics import observe_request

HEADER = "X-Request-ID"
access_log = logging.getLogger("abonent.access")
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id() -> str | None:
    """The current request's id (``None`` outside a request)."""
    if not has_request_context():
        return None
    return request.environ.get("abonent.request_id")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``tenant`` and ``user`` to every record made while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        record.tenant = None
        record.user = None
        if has_request_context():
            tenant = g.get("tenant")
            record.tenant = getattr(tenant, "slug", None)
            user = g.get("_login_user")
            record.user = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
        return True


def configure_logging(fmt: str) -> None:
    """Send log records to stderr: one JSON object per line (``json``) or plain text with the request id."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContextFilter())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s %(user)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def _start() -> None:
    given = request.headers.get(HEADER, "")
    request.environ["abonent.request_id"] = given if SANE_ID.match(given) else uuid.uuid4().hex
    request.environ["abonent.started"] = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[HEADER] = request.environ.get("abonent.request_id", "")
    started = request.environ.get("abonent.started")
    if started is not None:
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        tenant = getattr(g.get("tenant"), "slug", None)
        seconds = time.perf_counter() - started
        observe_request(request.method, route, response.status_code, seconds, tenant)
        access_log.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            seconds * 1000,
            extra={"method": request.method, "path": request.path, "status": response.status_code},
        )
    return response


def init_request_log(app: Flask) -> None:
    """Give every request an id (first thing) and count it in the metrics when it is answered."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
