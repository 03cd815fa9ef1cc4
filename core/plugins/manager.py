"""Discovery of plugins and hook calls limited to the plugins a tenant has enabled.

Built-in verticals are registered like any outside package, through the ``abonent.plugins``
entry-point group; core lists no plugin by name. Core's own features are plugins too (their names
start with ``core.``) and are always on.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType
from typing import Any

import pluggy
from marshmallow import RAISE, missing
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from core import __version__ as core_version
from core.plugins import hookspecs
from core.plugins.markers import PROJECT
from core.plugins.types import PluginInfo

ENTRY_POINT_GROUP = "abonent.plugins"
CORE_PREFIX = "core."


class PluginError(RuntimeError):
    """A plugin cannot be loaded: bad metadata, an incompatible core version, or a name clash."""


class PluginHost:
    """The app's pluggy manager plus each plugin's metadata. Stored on the app as ``app.plugins``."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}

    # -- registration -------------------------------------------------------------------------
    def register_core(self, name: str, plugin: object) -> None:
        """Register one of core's own always-on feature plugins."""
        self.pm.register(plugin, name=CORE_PREFIX + name)

    def register(self, module: ModuleType | object) -> PluginInfo:
        """Register a vertical plugin after checking its ``plugin_info``."""
        info = getattr(module, "plugin_info", None)
        if not isinstance(info, PluginInfo):
            raise PluginError(f"{module!r} has no plugin_info = PluginInfo(...)")
        if info.name.startswith(CORE_PREFIX) or not info.name.isidentifier():
            raise PluginError(f"plugin name {info.name!r} must be a Python identifier not starting with 'core.'")
        if info.name in self.infos:
            raise PluginError(f"two plugins are named {info.name!r}")
        if Version(core_version) not in SpecifierSet(info.requires_core):
            raise PluginError(f"plugin {info.name} needs core {info.requires_core}, this is {core_version}")
        _check_settings_schema(info)
        self.pm.register(module, name=info.name)
        self.infos[info.name] = info
        self.for_enabled.cache_clear()
        return info

    def discover(self, only: Iterable[str] | None = None) -> None:
        """Register every plugin of the ``abonent.plugins`` entry-point group (optionally a subset)."""
        wanted = set(only) if only is not None else None
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if wanted is not None and entry_point.name not in wanted:
                continue
            if entry_point.name in self.infos:
                continue
            self.register(entry_point.load())

    # -- calling ------------------------------------------------------------------------------
    @property
    def hook(self) -> Any:
        """All plugins' hooks (start-up only; per-tenant code uses :meth:`for_tenant`)."""
        return self.pm.hook

    @property
    def names(self) -> list[str]:
        return sorted(self.infos)

    @lru_cache(maxsize=256)  # noqa: B019 - the host lives as long as the app; keys are small frozensets
    def for_enabled(self, enabled: frozenset[str]) -> TenantHooks:
        """Hook callers that reach core and the plugins named in ``enabled`` only (cached per set)."""
        return TenantHooks(self.pm, [name for name in self.infos if name not in enabled])

    def results(self, hook: Any, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call start-up ``hook`` (``host.hook.<name>``) on every plugin and say which plugin returned what."""
        return [(impl.plugin_name, _call(impl, kwargs)) for impl in hook.get_hookimpls()]

    def call_one(self, plugin_name: str, hook: Any, **kwargs: Any) -> list[Any]:
        """Call ``hook`` (``host.hook.<name>``) on one plugin only (``on_plugin_enabled`` …)."""
        return [_call(impl, kwargs) for impl in hook.get_hookimpls() if impl.plugin_name == plugin_name]


class TenantHooks:
    """Attribute access returns a hook caller limited to one tenant's enabled plugins."""

    def __init__(self, pm: pluggy.PluginManager, disabled: list[str]) -> None:
        self._pm = pm
        self._disabled = [pm.get_plugin(name) for name in disabled]
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            caller = self._pm.subset_hook_caller(name, remove_plugins=self._disabled)
            self._callers[name] = caller
        return caller

    def superseded(self, name: str, by: str) -> Any:
        """Hook ``name``'s caller limited to the plugins that do not implement hook ``by`` (the newer form).

        ``superseded("on_payment_posted", by="on_payments_posted")``: the per-payment hook for the
        plugins written before the batch hook existed.
        """
        key = f"{name}/{by}"
        caller = self._callers.get(key)
        if caller is None:
            newer = {impl.plugin for impl in getattr(self._pm.hook, by).get_hookimpls()}
            caller = self._pm.subset_hook_caller(name, remove_plugins=[*self._disabled, *newer])
            self._callers[key] = caller
        return caller


def _call(impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> Any:
    # Like pluggy itself: an implementation may accept only some of the hook's arguments.
    return impl.function(*[kwargs[name] for name in impl.argnames])


def flatten(results: Iterable[list[Any] | None]) -> list[Any]:
    """Join the lists hooks return, skipping ``None``."""
    return [item for result in results if result for item in result]


def _check_settings_schema(info: PluginInfo) -> None:
    if info.settings_schema is None:
        return
    schema = info.settings_schema()
    if schema.unknown != RAISE:
        raise PluginError(f"plugin {info.name}: settings schema must reject unknown keys (unknown = RAISE)")
    undefaulted = [name for name, fld in schema.fields.items() if fld.load_default is missing]
    if undefaulted:
        raise PluginError(f"plugin {info.name}: settings without a default: {', '.join(sorted(undefaulted))}")
