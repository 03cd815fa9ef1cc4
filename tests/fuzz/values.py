"""Boundary values and Hypothesis strategies built from the OpenAPI document (no schemathesis needed)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

#: Numbers that broke something once: beyond PostgreSQL's integer and bigint, unsigned 64 bits.
BOUNDARY_INTS = [0, 1, -1, 2**31 - 1, 2**31, 2**53, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]
#: Text that looks like a number, a day or a month but is not a usable one, and hostile characters.
BOUNDARY_TEXT = [
    "",
    " ",
    "²",
    "١٢",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "Infinity",
    "2147483648",
    "9223372036854775808",
    "1" * 40,
    "9999-12-31",
    "0000-01",
    "0000-01-01",
    "0001-01-01",
    "2024-13",
    "2024-13-01",
    "2024-02-30",
    "2024-00",
    "\x00",
    "a\x00b",
    "a\nb",
    "/\n/evil.example",
    "//evil.example",
    "x" * 5000,
    "😀",
    "<script>",
]
BOUNDARY_DATES = ["9999-12-31", "0001-01-01", "1900-01-01", "2199-12-31", "2024-02-29", "2024-13-01", "0000-01"]
#: Whole JSON bodies that must be refused with a 4xx, never a 5xx.
RAW_BODIES = [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"x": "\\ud800"}',
    '"\\udfff"',
    '{"x": "\\u0000"}',
    '{"\\u0000": 1}',
    "1e308",
    "1e999",
    "NaN",
    "[" + "1" * 5000 + "]",
    '{"x": 1',
    "\xff\xfe",
    "",
    "null",
]


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _hostile_json() -> st.SearchStrategy:
    return st.sampled_from([*BOUNDARY_INTS, *BOUNDARY_TEXT, 1e308, -1e308, True, None, [], {}, [1], {"a": 1}])


def json_value(spec: dict, schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values for ``schema``: mostly well-typed (so the request gets past the first check), some hostile."""
    schema = resolve(spec, schema)
    kind = schema.get("type")
    if "enum" in schema:
        base = st.sampled_from(schema["enum"])
    elif kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        base = st.one_of(st.sampled_from(BOUNDARY_INTS), st.integers(low, high), st.integers())
    elif kind == "number":
        floats = st.floats(allow_nan=False, allow_infinity=False)
        base = st.one_of(st.sampled_from([1e308, -1e308, 0.5, 1e-300]), floats)
    elif kind == "string":
        if schema.get("format") in ("date", "date-time"):
            base = st.one_of(st.sampled_from(BOUNDARY_DATES), st.dates().map(str))
        elif "pattern" in schema:
            base = st.one_of(st.from_regex(schema["pattern"], fullmatch=True), st.sampled_from(BOUNDARY_TEXT))
        else:
            base = st.one_of(st.sampled_from(BOUNDARY_TEXT), st.text(max_size=30))
    elif kind == "boolean":
        base = st.booleans()
    elif kind == "array" and depth < 3:
        base = st.lists(json_value(spec, schema.get("items", {}), depth + 1), max_size=3)
    elif (kind == "object" or "properties" in schema) and depth < 3:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        drawn = {name: json_value(spec, sub, depth + 1) for name, sub in properties.items()}
        base = st.fixed_dictionaries(
            {name: value for name, value in drawn.items() if name in required},
            optional={name: value for name, value in drawn.items() if name not in required},
        )
    else:
        base = st.none()
    if schema.get("nullable"):
        base = st.one_of(base, st.none())
    return st.one_of(base, base, base, _hostile_json())


def query_text(value: Any) -> str | None:
    """A drawn value as it travels in a query string (``None`` leaves the parameter out)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def path_ids(known: list[int]) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([*known, *[n for n in BOUNDARY_INTS if n >= 0]]), st.integers(0, 2**70))
