"""Role × route matrix over every route (the shipped suite, core.testing.suites), and the platform pages."""

from core.testing.fixtures import tenant_path
from core.testing.suites import TestRouteMatrix  # noqa: F401 - pytest runs the shipped suite here


def test_platform_pages_need_the_platform_admin_on_the_platform_site(app, make_user, login, abonent_world):
    from core.db import session
    from core.tenants.platform import ensure_platform_tenant

    site = abonent_world("alpha")
    with app.app_context():
        platform = ensure_platform_tenant()
        session.commit()
        session.expunge(platform)
    root = make_user(platform, "root@platform.example", roles=("platform_admin",))
    staff = make_user(platform, "staff@platform.example", roles=("operator",))
    url = tenant_path(platform, "/platform/tenants")
    assert app.test_client().get(url).status_code == 302
    assert login(platform, staff).get(url).status_code == 403
    page = login(platform, root).get(url)
    assert page.status_code == 200 and "alpha" in page.get_data(as_text=True)
    # A tenant admin of an ordinary tenant never reaches platform pages, even by URL.
    assert (
        login(site.tenant, site.users["tenant_admin"]).get(tenant_path(site.tenant, "/platform/tenants")).status_code
        == 404
    )
