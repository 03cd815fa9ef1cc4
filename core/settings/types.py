"""What a settings namespace is (:class:`SettingsNamespace`) and what reading one gives (:class:`Settings`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from marshmallow import Schema


@dataclass(frozen=True)
class SettingsNamespace:
    """A per-tenant settings namespace and its marshmallow schema, returned by the ``register_settings`` hook.

    The schema rejects unknown keys (``unknown = RAISE``) and has a default for every field. Fields marked
    ``metadata={"secret": True}`` are never shown back (forms and the audit trail see a mask).
    """

    name: str
    schema: type[Schema]


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thawed(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thawed(item) for item in value]
    return value


class Settings(Mapping[str, Any]):
    """One tenant's settings in one namespace, defaults filled in, read-only: ``settings.promise_days``.

    Nested lists are tuples and nested mappings read-only. Reading by key (``settings["promise_days"]``,
    ``settings.get(...)``) still works for plugins written against 0.1, where a read returned a ``dict``;
    :meth:`as_dict` gives a mutable copy.
    """

    __slots__ = ("_namespace", "_values")

    def __init__(self, namespace: str, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_namespace", namespace)
        object.__setattr__(self, "_values", {key: _frozen(value) for key, value in values.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"settings {self._namespace!r} have no field {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"settings {self._namespace!r} are read-only; save them with save_settings()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"settings {self._namespace!r} are read-only")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __or__(self, other: Mapping[str, Any]) -> dict[str, Any]:
        return self.as_dict() | dict(other)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Settings):
            return self._namespace == other._namespace and self._values == other._values
        return isinstance(other, Mapping) and self.as_dict() == _thawed(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Settings({self._namespace!r}, {self.as_dict()!r})"

    def as_dict(self) -> dict[str, Any]:
        """A plain, mutable copy (lists as lists, mappings as dicts)."""
        return {key: _thawed(value) for key, value in self._values.items()}

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (for a form shown again with what was typed)."""
        return Settings(self._namespace, self.as_dict() | changes)
