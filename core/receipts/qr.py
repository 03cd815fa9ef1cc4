"""Payment QR codes per GOST R 56042-2014 ("Двумерные символы штрихового кода для осуществления платежей").

The payload is ``ST0001`` + the encoding digit (``2`` = UTF-8, so ``ST00012``) followed by
``|Key=Value`` pairs. The five mandatory requisites come first, in the standard's order (``Name``,
``PersonalAcc``, ``BankName``, ``BIC``, ``CorrespAcc``); the additional and other requisites follow.
``|`` is the separator, so it is removed from values, and so are line breaks and other control
characters; values are cut to the lengths the standard allows.

The symbol is a QR code with error correction level M (what the standard and the banks' apps
expect), in byte mode without an ECI header (the header names the encoding already), with the
standard quiet zone of 4 modules. ``segno`` draws it: pure Python, SVG for pages and PNG for PDFs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import segno
from markupsafe import Markup

HEADER = "ST00012"  # ST0001 = format and version; 2 = UTF-8 (1 = windows-1251, 3 = KOI8-R)
SEPARATOR = "|"
ERROR_LEVEL = "M"
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires

MANDATORY = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")
MAX_LENGTH = {
    "Name": 160,
    "PersonalAcc": 20,
    "BankName": 45,
    "BIC": 9,
    "CorrespAcc": 20,
    "Sum": 18,
    "Purpose": 210,
    "PayeeINN": 12,
    "PayerINN": 12,
    "KPP": 9,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


class PayloadError(ValueError):
    """A mandatory requisite is missing: no payment QR code can be made."""


def clean(value: object, key: str = "") -> str:
    """A value as it may stand in the payload: no separator, no control characters, one-line, cut to size."""
    text = _CONTROL.sub(" ", str(value)).replace(SEPARATOR, " ")
    text = _SPACES.sub(" ", text).strip()
    limit = MAX_LENGTH.get(key)
    return text[:limit].rstrip() if limit else text


def build_payload(fields: Iterable[tuple[str, object]]) -> str:
    """``ST00012|Name=…|PersonalAcc=…|…`` from ``(key, value)`` pairs; empty values are left out.

    The mandatory requisites are put first in the standard's order whatever order they are given in;
    the rest keep the given order.
    """
    values: dict[str, str] = {}
    for key, value in fields:
        if value is None:
            continue
        text = clean(value, key)
        if text:
            values[key] = text
    missing = [key for key in MANDATORY if key not in values]
    if missing:
        raise PayloadError(f"missing mandatory requisites: {', '.join(missing)}")
    order = list(MANDATORY) + [key for key in values if key not in MANDATORY]
    return SEPARATOR.join([HEADER, *(f"{key}={values[key]}" for key in order)])


def parse_payload(payload: str) -> dict[str, str]:
    """The requisites of a payload as a dict (the header is checked, not returned)."""
    header, *pairs = payload.split(SEPARATOR)
    if not header.startswith("ST0001"):
        raise ValueError(f"not a GOST R 56042 payload: {header!r}")
    return dict(pair.split("=", 1) for pair in pairs)


def make_qr(payload: str) -> segno.QRCode:
    """The QR symbol of ``payload``: level M, UTF-8 bytes, no ECI, never a Micro QR."""
    return segno.make(payload, error=ERROR_LEVEL, encoding="utf-8", eci=False, micro=False, boost_error=False)


def qr_svg(payload: str, *, title: str = "QR-код для оплаты") -> Markup:
    """An inline ``<svg>`` of the code (sized by CSS through its ``viewBox``), white background included."""
    svg = make_qr(payload).svg_inline(
        border=QUIET_ZONE, omitsize=True, dark="#000", light="#fff", title=title, svgclass="rc-qr-svg"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    """A PNG of the code, ``scale`` pixels per module, with the quiet zone."""
    buffer = io.BytesIO()
    make_qr(payload).save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="#000", light="#fff")
    return buffer.getvalue()
