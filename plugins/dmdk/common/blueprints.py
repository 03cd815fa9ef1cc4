"""The dmdk plugin's web blueprint (``dmdk``, under ``/dmdk/``); capabilities attach their routes to it.

This module imports no capability: :mod:`plugins.dmdk.hooks` imports the route modules before it hands the
blueprint to core.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

PLUGIN_DIR = Path(__file__).resolve().parent.parent

web = Blueprint("dmdk", __name__, url_prefix="/dmdk", root_path=str(PLUGIN_DIR), template_folder="templates")
