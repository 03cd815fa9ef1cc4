"""The one way to gather what start-up hooks return: by key, typed, each with the plugin that gave it.

Jobs, notification kinds, ticket categories, permissions and roles are all collected here::

    jobs = collect(host, host.hook.register_jobs, (Job, TenantJob), key=lambda job: job.name, what="job")

A value of the wrong type is a ``TypeError`` and a key given twice a ``ValueError``, each naming the plugin,
so a broken plugin stops the app at start-up instead of misbehaving later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from core.plugins.manager import CORE_PREFIX, PluginHost

T = TypeVar("T")


@dataclass(frozen=True)
class Contributed(Generic[T]):
    """One collected value and the plugin that returned it (``core`` for core's own features)."""

    value: T
    plugin: str

    @property
    def source(self) -> str:
        """The plugin's name, or ``core`` for any of core's own feature plugins."""
        return "core" if self.plugin.startswith(CORE_PREFIX) else self.plugin


def collect(
    host: PluginHost,
    hook: Any,
    expected: type | tuple[type, ...],
    *,
    key: Callable[[Any], str],
    what: str,
    **kwargs: Any,
) -> dict[str, Contributed[Any]]:
    """Call start-up ``hook`` (``host.hook.<name>``) on every plugin and gather the lists they return by ``key``.

    Raises ``TypeError`` when a plugin returns something that is not ``expected`` and ``ValueError`` when two
    values share a key; ``what`` names the kind of value in those messages ("job", "ticket category" …).
    """
    found: dict[str, Contributed[Any]] = {}
    for plugin_name, returned in host.results(hook, **kwargs):
        for value in returned or []:
            if not isinstance(value, expected):
                names = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
                raise TypeError(f"{plugin_name}: {hook.name} must return {names} objects, not {value!r}")
            code = key(value)
            if code in found:
                raise ValueError(f"{what} {code!r} registered twice (by {found[code].plugin} and {plugin_name})")
            found[code] = Contributed(value, plugin_name)
    return found
