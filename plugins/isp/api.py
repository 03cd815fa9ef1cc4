"""The isp plugin's JSON API for the mobile app, under ``/api/v1/isp``.

Endpoints live in the ``api_*`` modules, one feature each; importing them here registers them.
"""

from __future__ import annotations

from flask_smorest import Blueprint

blueprint = Blueprint(
    "api_isp", __name__, url_prefix="/api/v1/isp", description="ISP: services, tariffs, promised payment, freezes"
)

from plugins.isp import api_freeze, api_promise, api_services, api_tariff  # noqa: E402,F401 - registers endpoints
