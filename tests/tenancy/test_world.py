"""A plugin's ``populate_test_world`` hook fills the world the shipped suites walk; a bad answer is refused."""

import types

import pytest

from core.api import PluginInfo, hookimpl
from core.testing.world import WorldError


def _plugin(answer):
    module = types.ModuleType("world_probe")
    module.plugin_info = PluginInfo(name="world_probe", version="1.0.0", title="World probe")

    @hookimpl
    def populate_test_world(tenant, site):
        return answer(site)

    module.populate_test_world = populate_test_world
    return module


@pytest.fixture
def app_plugins(request):
    return [_plugin(request.param)]


@pytest.mark.parametrize("app_plugins", [lambda site: {"gadget_id": site.account.id}], indirect=True)
def test_plugin_ids_join_the_world_with_the_plugin_enabled(app, abonent_world):
    site = abonent_world("alpha")
    assert site.ids["gadget_id"] == site.ids["account_id"]
    assert site.ids["contract_id"] and site.ids["entry_id"]  # the built-in plugins' own worlds


@pytest.mark.parametrize(
    "app_plugins", [lambda site: {"account_id": 1}, lambda site: [("gadget_id", 1)]], indirect=True
)
def test_a_clashing_or_malformed_answer_is_refused(app, abonent_world):
    with pytest.raises(WorldError, match="world_probe: populate_test_world"):
        abonent_world("alpha")
