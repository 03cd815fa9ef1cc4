"""The isp plugin's two blueprints; every capability attaches its routes to them.

* :data:`web` (``isp``): subscriber pages under ``/isp/``, operator pages under ``/isp/admin/``, from
  each capability's ``views.py`` (subscriber) and ``admin.py`` (operator).
* :data:`api` (``api_isp``): the JSON API for the mobile app under ``/api/v1/isp``, from each
  capability's ``api.py``.

This module imports no capability: :mod:`plugins.isp.hooks` imports the route modules before it
hands the blueprints to core, so the endpoints keep one flat namespace (``isp.promise``,
``isp.admin_contracts``) whichever package a route lives in.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

PLUGIN_DIR = Path(__file__).resolve().parent.parent

web = Blueprint("isp", __name__, url_prefix="/isp", root_path=str(PLUGIN_DIR), template_folder="templates")

api = ApiBlueprint(
    "api_isp", __name__, url_prefix="/api/v1/isp", description="ISP: services, tariffs, promised payment, freezes"
)
