"""``abonent housing import-meters FILE --tenant SLUG``: meters from CSV, all or nothing."""

from __future__ import annotations

from plugins.housing.common.cli import import_command
from plugins.housing.meters.importer import METERS

import_command(
    "import-meters",
    METERS,
    lambda n: f"{n['added']} meter(s) added, {n['updated']} updated, {n['unchanged']} unchanged",
    "Add or update meters from FILE (building;flat;kind;serial;zones;digits;installed_on;next_verification;"
    "initial_1;initial_2;initial_3). Any bad line: nothing is written, each problem is printed as FILE:LINE, exit 1.",
)
