"""Rate limits shared by every app server (Flask-Limiter; Redis storage with ``ABONENT_REDIS_URL``).

One budget per client address for form posts by visitors who are not logged in (log-in, password reset,
connection requests …): a flood from one address is refused with 429 however many servers it is spread over.
Logged-in users are not counted (an office of operators behind one address must never be slowed on billing
day), nor are machine endpoints exempt from CSRF (payment gateways and agents have their own rules). Without
Redis the counters live in each process, so they are per server.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address

from core.access.guard import is_api_request
from core.extensions import csrf

RETRY_AFTER_SECONDS = 60


def _not_counted() -> bool:
    if request.method != "POST" or request.endpoint is None or "_user_id" in session:
        return True
    view = current_app.view_functions.get(request.endpoint)
    name = f"{view.__module__}.{view.__name__}" if view is not None else ""
    return name in csrf._exempt_views or (request.blueprint or "") in csrf._exempt_blueprints


def _refused(_limit: RequestLimit) -> Response:
    message = _("Too many attempts from your address. Please wait a minute and try again.")
    if is_api_request():
        from core.rest.errors import json_message

        response = json_message(429, message)
        response.status_code = 429
    else:
        response = Response(render_template("errors/429.html", message=message), 429)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_rate_limits(app: Flask) -> Limiter:
    """Attach this app's limiter: ``ABONENT_ANONYMOUS_POST_LIMIT`` (default 60 per minute) per client address."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        application_limits=[app.config["ANONYMOUS_POST_LIMIT"]],
        application_limits_exempt_when=_not_counted,
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        key_prefix="abonent-limits",
        on_breach=_refused,
        headers_enabled=False,
    )
    app.register_error_handler(RateLimitExceeded, _answer)
    app.extensions["abonent.limiter"] = limiter
    return limiter


def _answer(error: RateLimitExceeded) -> Response:
    """The refusal :func:`_refused` built (the shell's generic error page would lose its words and header)."""
    return error.response if error.response is not None else _refused(error.limit)
