"""Meter kinds as people name them: the labels pages show, and the names a form or a file may use."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from plugins.housing.models import COLD_WATER, ELECTRICITY, GAS, HEAT, HOT_WATER, METER_KINDS

KIND_LABELS = {
    COLD_WATER: _l("Cold water"),
    HOT_WATER: _l("Hot water"),
    ELECTRICITY: _l("Electricity"),
    GAS: _l("Gas"),
    HEAT: _l("Heat"),
}

#: The short names of the kinds on Russian payment documents.
SHORT_NAMES = {COLD_WATER: ("хвс",), HOT_WATER: ("гвс",), ELECTRICITY: ("ээ",)}


def kind_of(text: str) -> str | None:
    """The meter kind a form or a file names: its code, or its name in Russian or English (``ХВС``, ``gas`` …)."""
    wanted = " ".join(text.split()).lower().replace("ё", "е")
    if wanted in METER_KINDS:
        return wanted
    for kind, label in KIND_LABELS.items():
        names = {str(label).lower()}
        with force_locale("ru"):
            names.add(str(label).lower())
        with force_locale("en"):
            names.add(str(label).lower())
        if wanted in {name.replace("ё", "е") for name in names} | set(SHORT_NAMES.get(kind, ())):
            return kind
    return None
