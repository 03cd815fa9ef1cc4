"""The housing-stock import: all or nothing, line-numbered problems, a repeat changes nothing."""

from __future__ import annotations

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from core.api import session, tenant_scope
from core.cli.main import cli
from plugins.housing.models import AccountPremises, Building, Premises

GOOD = """building;address;building_area;flat;flat_area;residents;account;holder
L5;ул. Ленина, 5;6000,0;12;54,3;3;1000120;Иванов Иван Иванович
L5;ул. Ленина, 5;6000,0;12;54,3;3;1000121;Иванова Мария Петровна
L5;ул. Ленина, 5;6000,0;13;41.0;1;1000130;Петров Пётр
M7;ул. Мира, 7;3200;1;60;2;1000701;Сидорова Анна
"""


def run(app, path, slug):
    return CliRunner().invoke(
        cli, ["housing", "import-stock", str(path), "--tenant", slug], obj=ScriptInfo(create_app=lambda: app)
    )


def counts(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        return tuple(
            session.scalar(select(func.count()).select_from(model)) for model in (Building, Premises, AccountPremises)
        )


def test_a_good_file_is_imported_and_a_second_import_changes_nothing(app, make_tenant, enable_plugin, tmp_path):
    tenant = make_tenant("stock")
    enable_plugin(tenant, "housing")
    path = tmp_path / "stock.csv"
    path.write_text(GOOD, encoding="utf-8")
    first = run(app, path, "stock")
    assert first.exit_code == 0, first.output
    assert "2 building(s), 3 flat(s), 4 account(s) added" in first.output
    assert counts(app, tenant) == (2, 3, 4)
    again = run(app, path, "stock")
    assert again.exit_code == 0 and "0 building(s), 0 flat(s), 0 account(s) added" in again.output
    assert counts(app, tenant) == (2, 3, 4)


def test_bad_lines_are_named_and_nothing_is_written(app, make_tenant, enable_plugin, tmp_path):
    tenant = make_tenant("broken-stock")
    enable_plugin(tenant, "housing")
    bad = GOOD + "L5;ул. Ленина, 5;6000;14;-3;x;;Кто-то\nL5;ул. Ленина, 7;6000;15;40;1;1000150;Адрес другой\n"
    bad += "M7;ул. Мира, 7;3200;2;50;1;1000120;Повтор счёта\n"
    path = tmp_path / "stock.csv"
    path.write_text(bad, encoding="utf-8")
    result = run(app, path, "broken-stock")
    assert result.exit_code == 1
    output = result.output
    assert f"{path}:6: account is empty" in output and "flat_area '-3' is not a positive number" in output
    assert f"{path}:7: building L5 differs from line 2" in output
    assert f"{path}:8: account 1000120 is on line 2 already" in output
    assert "3 bad line(s); nothing imported." in output
    assert counts(app, tenant) == (0, 0, 0)


def test_a_file_without_the_header_or_not_utf8_is_refused(app, make_tenant, enable_plugin, tmp_path):
    make_tenant("headless")
    path = tmp_path / "stock.csv"
    path.write_text("L5;ул. Ленина, 5;6000;12;54;3;1000120;Иванов\n", encoding="utf-8")
    assert "must name the columns" in run(app, path, "headless").output
    path.write_bytes("building;address\n".encode("cp1251") + "Ленина".encode("cp1251"))
    refused = run(app, path, "headless")
    assert refused.exit_code == 1 and "not UTF-8" in refused.output
