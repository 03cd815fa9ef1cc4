"""``abonent housing import-stock FILE --tenant SLUG``: buildings, flats and accounts from CSV, all or nothing."""

from __future__ import annotations

from plugins.housing.common.cli import import_command
from plugins.housing.stock.importer import STOCK

import_command(
    "import-stock",
    STOCK,
    lambda n: f"{n['buildings']} building(s), {n['flats']} flat(s), {n['accounts']} account(s) added",
    "Add buildings, flats and accounts from FILE (see the column list in the docs). Any bad line: nothing is "
    "added, each problem is printed as FILE:LINE, exit code 1.",
)
