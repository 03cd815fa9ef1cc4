"""The check that every ``@hookimpl`` is registered bites; the FAQ example's docstring names exactly its hooks.

The shipped suite itself runs in ``test_hookimpls_suite.py`` (here the app has a deliberately broken plugin).
"""

import importlib
import re
import sys
import textwrap

import pytest

from core.testing.suites import hookimpls_not_registered

PROBE_INIT = """
from core.api import PluginInfo, hookimpl
from probe_plugin.hooks import menu_items  # noqa: F401 - dashboard_widgets is forgotten here

plugin_info = PluginInfo(name="probe_plugin", version="1.0.0", title="Probe")


@hookimpl
def register_permissions():
    return []
"""
PROBE_HOOKS = """
from core.api import hookimpl


@hookimpl
def menu_items(tenant, user):
    return []


@hookimpl(trylast=True)
def dashboard_widgets(tenant, user):
    return []
"""


@pytest.fixture
def app_plugins(tmp_path, monkeypatch):
    package = tmp_path / "probe_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(PROBE_INIT), encoding="utf-8")
    (package / "hooks.py").write_text(textwrap.dedent(PROBE_HOOKS), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield [importlib.import_module("probe_plugin")]
    for name in [m for m in sys.modules if m == "probe_plugin" or m.startswith("probe_plugin.")]:
        del sys.modules[name]


def test_a_hookimpl_left_out_of_the_plugin_module_is_found(app):
    written, missing = hookimpls_not_registered(app)
    assert missing == ["probe_plugin.hooks.dashboard_widgets"]
    assert written > 3  # core's, faq's, isp's and the probe's other two


def test_faq_docstring_names_exactly_the_hooks_it_implements(app):
    import plugins.faq
    from core.docs.hookref import hookspecs

    specs = {spec.name for spec in hookspecs()}
    named = set(re.findall(r"``(\w+)``", plugins.faq.__doc__)) & specs
    implemented = {name for name, caller in vars(app.plugins.pm.hook).items() if _has_impl(caller, "faq")}
    assert named == implemented


def _has_impl(caller, plugin_name) -> bool:
    return hasattr(caller, "get_hookimpls") and any(i.plugin_name == plugin_name for i in caller.get_hookimpls())
