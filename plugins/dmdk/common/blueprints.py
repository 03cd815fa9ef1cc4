"""The dmdk plugin's two blueprints; capabilities attach their routes to them.

* :data:`web` (``dmdk``): pages under ``/dmdk/`` — a capability's ``views.py`` (the participant's pages) and
  ``admin.py`` (the registry operator's and the tenant staff's, under ``/dmdk/admin/``).
* :data:`api` (``api_dmdk``): the JSON API under ``/api/v1/dmdk``, from each capability's ``api.py``.

This module imports no capability: :mod:`plugins.dmdk.hooks` imports the route modules before it hands the
blueprints to core.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

PLUGIN_DIR = Path(__file__).resolve().parent.parent

web = Blueprint("dmdk", __name__, url_prefix="/dmdk", root_path=str(PLUGIN_DIR), template_folder="templates")

api = ApiBlueprint(
    "api_dmdk",
    __name__,
    url_prefix="/api/v1/dmdk",
    description=(
        "GIIS DMDK: the organization, its documents, information exchange profiles, special registration, "
        "batches with their UIN, transfer specifications, the public UIN lookup"
    ),
)
