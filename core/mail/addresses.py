"""What an e-mail address looks like: the one check every form, schema and service uses."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_valid_email(value: str) -> bool:
    """``True`` for something shaped like ``name@domain.tld`` (no spaces, one ``@``, a dot in the domain)."""
    return bool(EMAIL_RE.match(value or ""))
