"""A test plugin with two login forms and demo data, for core's ``login_variants`` and ``load_demo_data``."""

from core.api import DemoLogin, LoginVariant, PluginInfo, hookimpl

plugin_info = PluginInfo(name="variants", version="0.1", title="Variants", description="Test plugin.")

demo_calls: list[tuple[str, dict]] = []


@hookimpl
def login_variants(tenant):
    return [
        LoginVariant("home", "Home internet", lambda user: not user.login.startswith("w"), "Home hint"),
        LoginVariant("wifi", "Wi-Fi", lambda user: user.login.startswith("w"), "Wi-Fi hint"),
    ]


@hookimpl
def load_demo_data(tenant, data):
    demo_calls.append((tenant.slug, data))
    return [DemoLogin("demo-variant", "Variant-pass-1", "made by the plugin")]


@hookimpl
def service_titles(tenant):
    return {"v100": "Variant 100 Mbit/s", "internet": "Internet by Variant"}
