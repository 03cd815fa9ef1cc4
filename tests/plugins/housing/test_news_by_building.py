"""News for one building's residents (core's news audiences, offered by housing): only they read it."""

from __future__ import annotations

from core.testing.fixtures import tenant_path


def test_news_addressed_to_a_building_reaches_only_its_residents(app, housing_world, login):
    world = housing_world("news-building")
    staff = login(world.tenant, world.operator)
    form = staff.get(tenant_path(world.tenant, "/admin/news/new")).get_data(as_text=True)
    building = world.buildings["L5"]
    assert f'<option value="housing_building:{building}">Жильцы дома: ул. Ленина, 5</option>' in form
    created = staff.submit(
        tenant_path(world.tenant, "/admin/news/new"),
        {"title": "Отключение воды в доме", "body": "Завтра с 10 до 14.", "audience": f"housing_building:{building}"},
    )
    assert created.status_code == 302
    for number, sees in (("1000120", True), ("1000130", True), ("1000701", False)):
        page = login(world.tenant, world.residents[number]).get(tenant_path(world.tenant, "/news/"))
        assert ("Отключение воды в доме" in page.get_data(as_text=True)) is sees, number
    other = housing_world("news-building-other")
    foreign = login(other.tenant, other.residents["1000120"]).get(tenant_path(other.tenant, "/news/"))
    assert "Отключение воды в доме" not in foreign.get_data(as_text=True)
