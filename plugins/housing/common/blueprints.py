"""The housing plugin's blueprints; capabilities attach their routes to them.

* :data:`web` (``housing``): resident pages under ``/housing/``, from each capability's ``views.py`` and
  ``admin.py``.
* :data:`api` (``api_housing``): the JSON API for the mobile app under ``/api/v1/housing``, from each
  capability's ``api.py``.

This module imports no capability: :mod:`plugins.housing.hooks` imports the route modules before it hands the
blueprint to core.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

PLUGIN_DIR = Path(__file__).resolve().parent.parent

web = Blueprint("housing", __name__, url_prefix="/housing", root_path=str(PLUGIN_DIR), template_folder="templates")

api = ApiBlueprint(
    "api_housing",
    __name__,
    url_prefix="/api/v1/housing",
    description="Housing: flats, meters and readings, accruals with their traces",
)
