"""The isp plugin's web blueprint: subscriber pages under ``/isp/``, operator pages under ``/isp/admin/``.

Routes live in the ``pages_*`` (subscriber) and ``admin_*`` (operator) modules, one feature each;
importing them here registers them on :data:`blueprint`.
"""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("isp", __name__, url_prefix="/isp", template_folder="templates")

from plugins.isp import (  # noqa: E402,F401 - importing registers the routes
    admin_catalog,
    admin_changes,
    admin_charges,
    admin_contracts,
    admin_freezes,
    admin_promises,
    pages_freeze,
    pages_promise,
    pages_services,
    pages_tariff,
)
