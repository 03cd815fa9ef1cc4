"""The registry lookup interface and the registry of lookups.

A lookup answers "which organization has this OGRN/OGRNIP or INN?" from some register. The state register is out
of reach here, so the plugin ships :class:`SampleRegistry` (fictional organizations, ``data/sample_registry.json``)
for the demo and the tests; a deployment registers its own with :func:`register_lookup` (a later one is asked
first).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_registry.json"
LEGAL = "legal"
ENTREPRENEUR = "entrepreneur"


@dataclass(frozen=True)
class RegistryRecord:
    """What the register says publicly about an organization (ЮЛ) or an individual entrepreneur (ИП)."""

    kind: str  # LEGAL or ENTREPRENEUR
    inn: str
    ogrn: str  # OGRN (13 digits) or OGRNIP (15)
    kpp: str  # empty for an entrepreneur
    full_name: str
    short_name: str
    legal_address: str
    head_name: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RegistryLookup(Protocol):
    """Finds an organization by its OGRN/OGRNIP or INN (digits only), or says it has none (``None``)."""

    def find(self, number: str) -> RegistryRecord | None: ...


class SampleRegistry:
    """The shipped sample register: a JSON list of records (every number with valid check digits)."""

    def __init__(self, path: Path = SAMPLE) -> None:
        self.path = path

    @cache  # noqa: B019 - one instance per process, its file never changes
    def _records(self) -> tuple[RegistryRecord, ...]:
        with self.path.open(encoding="utf-8") as handle:
            return tuple(RegistryRecord(**row) for row in json.load(handle))

    def find(self, number: str) -> RegistryRecord | None:
        return next((r for r in self._records() if number in (r.inn, r.ogrn)), None)


_LOOKUPS: list[RegistryLookup] = [SampleRegistry()]


def register_lookup(lookup: RegistryLookup) -> None:
    """Add a register to ask (before the ones registered earlier, the shipped sample last)."""
    _LOOKUPS.insert(0, lookup)


def find_organization(number: str) -> RegistryRecord | None:
    """The organization with OGRN/OGRNIP or INN ``number`` in the first register that knows it."""
    number = number.strip()
    for lookup in _LOOKUPS:
        record = lookup.find(number)
        if record is not None:
            return record
    return None
