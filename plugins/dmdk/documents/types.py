"""The dictionary of document types (the registry's list): a stable code stored with each document, a title shown
in the reader's language."""

from __future__ import annotations

from core.api import N_

DOCUMENT_TYPES: tuple[tuple[str, str], ...] = (
    ("charter", N_("Charter")),
    ("egrul_extract", N_("Extract from the register of legal entities (EGRUL)")),
    ("egrip_extract", N_("Extract from the register of individual entrepreneurs (EGRIP)")),
    ("inn_certificate", N_("Certificate of tax registration (INN)")),
    ("ogrn_certificate", N_("Certificate of state registration (OGRN)")),
    ("license", N_("License")),
    ("power_of_attorney", N_("Power of attorney")),
    ("head_appointment", N_("Decision to appoint the head")),
    ("lease_agreement", N_("Lease agreement for the premises")),
    ("other", N_("Other document")),
)
TYPE_CODES = tuple(code for code, _title in DOCUMENT_TYPES)
TYPE_TITLES = dict(DOCUMENT_TYPES)
