"""A plugin's demo tenant ships inside its package: installing the plugin is enough for ``abonent demo``."""

from core.app import create_app
from core.cli.demo import prepare_demo
from core.db import tenant_scope
from core.identity import service
from core.identity.passwords import verify_password
from tests.tenants import shipped_demo_plugin

OWN = """
slug = "{slug}"
name = "{name}"
login_identifier = "contract"
"""


def _prepare(tmp_path, *own: tuple[str, str]):
    folder = tmp_path / "tenants"
    folder.mkdir()
    for slug, name in own:
        (folder / f"{slug}.toml").write_text(OWN.format(slug=slug, name=name), encoding="utf-8")
    app = create_app(
        {"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"},
        plugins=[shipped_demo_plugin],
    )
    return app, folder


def test_the_shipped_tenant_is_applied_beside_the_folders_own(tmp_path):
    app, folder = _prepare(tmp_path, ("acme", "Acme"))
    with app.app_context():
        listing = prepare_demo(folder)
        sites = {tenant.slug: (tenant.name, [u.login for u in users]) for tenant, users in listing}
        assert sites["acme"] == ("Acme", [])
        assert sites["goldlab"] == ("Goldlab (shipped)", ["goldlab-head"])
        goldlab = next(tenant for tenant, _ in listing if tenant.slug == "goldlab")
        with tenant_scope(goldlab.id):
            head = service.find_user(goldlab, "goldlab-head")
            assert head.full_name == "from the package"  # the shipped file's [demo.plugins.shipper] table
            assert verify_password(head.password_hash, "Goldlab-pass-1")


def test_a_folder_file_with_the_same_slug_wins(tmp_path):
    app, folder = _prepare(tmp_path, ("goldlab", "Goldlab as the operator wrote it"))
    with app.app_context():
        listing = prepare_demo(folder)
        names = {tenant.slug: tenant.name for tenant, _ in listing}
        assert names["goldlab"] == "Goldlab as the operator wrote it"
        with tenant_scope(next(t.id for t, _ in listing if t.slug == "goldlab")):
            assert service.find_user(next(t for t, _ in listing if t.slug == "goldlab"), "goldlab-head") is None


def test_shipped_files_are_enough_without_a_folder_of_ones_own(tmp_path):
    app, folder = _prepare(tmp_path)
    with app.app_context():
        slugs = [tenant.slug for tenant, _ in prepare_demo(folder)]
    assert "goldlab" in slugs
