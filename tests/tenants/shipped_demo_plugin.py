"""A test plugin that ships its demo tenant inside its package (``demo_tenant_files``)."""

from pathlib import Path

from core.api import DemoLogin, PluginInfo, hookimpl, session
from core.identity import service

plugin_info = PluginInfo(name="shipper", version="0.1", title="Shipper", description="Test plugin.")

SHIPPED = Path(__file__).parent / "shipped_demo" / "goldlab.toml"


@hookimpl
def demo_tenant_files():
    return [SHIPPED]


@hookimpl
def load_demo_data(tenant, data):
    if service.find_user(tenant, "goldlab-head") is None:
        service.create_user(tenant, "goldlab-head", password="Goldlab-pass-1", full_name=data["greeting"])
        session.flush()
    return [DemoLogin("goldlab-head", "Goldlab-pass-1", data["greeting"])]
