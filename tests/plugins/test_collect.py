"""What start-up hooks return is gathered one way: typed, by key, with its plugin; clashes stop start-up."""

from __future__ import annotations

import types

import pytest

from core.api import Job, NotificationKind, PluginInfo, TicketCategory, hookimpl
from core.jobs.registry import build_jobs
from core.notify.registry import build_kinds
from core.plugins.manager import PluginHost
from core.support.categories import build_categories


def _plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(name)
    module.plugin_info = PluginInfo(name=name, version="0.1", title=name, description="test")
    for hook_name, value in hooks.items():
        setattr(module, hook_name, hookimpl(lambda value=value: value))
    return module


def _host(*plugins) -> PluginHost:
    host = PluginHost()
    for plugin in plugins:
        host.register(plugin)
    return host


def test_values_are_collected_by_key_with_their_plugin():
    job = Job("alpha.tick", lambda now: None)
    host = _host(_plugin("alpha", register_jobs=[job]), _plugin("beta", register_jobs=None))
    assert build_jobs(host) == {"alpha.tick": job}


def test_the_same_key_from_two_plugins_names_both():
    host = _host(
        _plugin("alpha", register_jobs=[Job("shared.tick", lambda now: None)]),
        _plugin("beta", register_jobs=[Job("shared.tick", lambda now: None)]),
    )
    with pytest.raises(ValueError, match=r"job 'shared.tick' registered twice \(by \w+ and \w+\)"):
        build_jobs(host)


@pytest.mark.parametrize(
    ("hook", "build"),
    [("register_jobs", build_jobs), ("register_notification_kinds", build_kinds)],
)
def test_a_value_of_the_wrong_type_names_the_plugin_and_the_hook(hook, build):
    host = _host(_plugin("gamma", **{hook: [{"name": "a dict, not a dataclass"}]}))
    with pytest.raises(TypeError, match=rf"gamma: {hook} must return"):
        build(host)


def test_ticket_categories_keep_their_own_checks():
    bad = TicketCategory("x" * 61, "Too long a code")
    with pytest.raises(ValueError, match="1–60 characters"):
        build_categories(_host(_plugin("delta", register_ticket_categories=[bad])))
    kind = NotificationKind("delta.news", "News")
    assert build_kinds(_host(_plugin("delta", register_notification_kinds=[kind]))) == {"delta.news": kind}
