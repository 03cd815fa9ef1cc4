"""Importing batches from a CSV file: headers and values in English or Russian, every problem with its line
number, and nothing written unless every line is right."""

from __future__ import annotations

from sqlalchemy import select

from core.api import session, tenant_scope
from plugins.dmdk.batches import terms
from plugins.dmdk.batches.models import Batch
from tests.plugins.dmdk.market import batch_count, batch_row, make_batch

GOOD_UIN = "4539148803436467"


def _upload(member, text: str | bytes, register: bool = True):
    data = text.encode("utf-8") if isinstance(text, str) else text
    from io import BytesIO

    form = {"file": (BytesIO(data), "batches.csv")}
    if register:
        form["register"] = "y"
    return member.client.submit(member.url("/batches/import"), form, content_type="multipart/form-data")


def test_a_good_file_is_imported_whole(app, market):
    tenant, north, _neva = market("im-good")
    text = (
        "\ufeffУИН;Вид;Наименование;Металл;Проба;Вес, г;Количество\n"
        f"{GOOD_UIN};Изделие;Кольцо обручальное;Золото;585;3,25;10\n"
        ";semi_finished;Лента;silver;925;1 500,5;\n"
        "\n"
        ";Металл;Слиток;Platinum;999,9;1000;1\n"
    )
    response = _upload(north, text)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context(), tenant_scope(tenant.id):
        rows = list(session.scalars(select(Batch).order_by(Batch.id)))
        found = [(b.uin == GOOD_UIN, b.kind, b.metal, b.fineness, b.weight_mg, b.count, b.status) for b in rows]
    assert found == [
        (True, "product", "gold", 5850, 3250, 10, terms.REGISTERED),
        (False, "semi_finished", "silver", 9250, 1500500, 1, terms.REGISTERED),
        (False, "metal", "platinum", 9999, 1000000, 1, terms.REGISTERED),
    ]
    assert "Batches imported: 3." in north.client.get(north.url("/batches")).get_data(as_text=True)


def test_without_the_tick_the_batches_are_drafts(app, market):
    tenant, north, _neva = market("im-draft")
    response = _upload(north, "kind,name,metal,fineness,weight\nproduct,Кулон,palladium,500,2\n", register=False)
    assert response.status_code == 302
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalar(select(Batch.status)) == terms.DRAFT


def test_every_problem_is_named_by_its_line_and_nothing_is_written(app, market):
    tenant, north, _neva = market("im-bad")
    taken = batch_row(app, tenant, make_batch(app, north))["uin"]
    text = (
        "uin;kind;name;metal;fineness;weight;count\n"  # line 1
        ";product;Хорошая строка;gold;585;1;1\n"  # line 2: right
        "4539148803436468;product;Опечатка в УИН;gold;585;1;1\n"  # line 3
        ";product;Без металла;;585;1;1\n"  # line 4
        ";product;Вес;gold;585;1,2345;1\n"  # line 5
        f"{GOOD_UIN};product;Первый раз;gold;585;1;1\n"  # line 6: right by itself
        f"{GOOD_UIN};product;Второй раз;gold;585;1;1\n"  # line 7
        f"{taken};product;Уже есть;gold;585;1;1\n"  # line 8
        ";product;Лишнее поле;gold;585;1;1;1\n"  # line 9
        ";ring;Вид;tin;585;1;1\n"  # line 10
    )
    response = _upload(north, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing is imported." in page
    expected = [
        "Line 3: UIN: The last digit of the UIN does not match the others",
        "Line 4: metal: Fill this in.",
        "Line 5: weight, g: The weight is given to the milligram",
        f"Line 7: The UIN {GOOD_UIN} is on line 6 too.",
        f"Line 8: A batch with the UIN {taken} is already registered.",
        "Line 9: 8 fields instead of 7.",
        "Line 10: kind: Choose the kind of batch from the list.",
        "Line 10: metal: Choose the metal from the list.",
    ]
    for message in expected:
        assert message in page, message
    assert "Line 2:" not in page and "Line 6:" not in page
    assert batch_count(app, tenant) == 1  # only the batch made before the import


def test_a_wrong_header_or_encoding_or_no_file_is_said(app, market):
    tenant, north, _neva = market("im-head")
    header = _upload(north, "uin;kind;name\n;product;Кольцо\n")
    assert header.status_code == 400 and "Line 1: The first line must name the columns:" in header.get_data(
        as_text=True
    )
    latin1 = _upload(north, "kind;name;metal;fineness;weight\nproduct;Кольцо;gold;585;1\n".encode("cp1251"))
    assert latin1.status_code == 400 and "The file is not UTF-8 text." in latin1.get_data(as_text=True)
    empty = _upload(north, "kind;name;metal;fineness;weight\n")
    assert empty.status_code == 400 and "The file has no batches" in empty.get_data(as_text=True)
    none = north.client.submit(north.url("/batches/import"), {"register": "y"})
    assert none.status_code == 400 and "Choose the CSV file." in none.get_data(as_text=True)
    assert batch_count(app, tenant) == 0


def test_an_exported_file_goes_back_in_without_its_status_column(app, market):
    _tenant, north, neva = market("im-round")
    make_batch(app, north, name="Цепь", metal="silver", fineness=9250, weight_mg=15500, count=3)
    exported = north.client.get(north.url("/batches/export.csv")).get_data(as_text=True)
    lines = [";".join(line.split(";")[:-1]) for line in exported.splitlines()]
    lines[1] = ";" + lines[1].split(";", 1)[1]  # a new УИН: the old one is taken
    assert _upload(neva, "\n".join(lines) + "\n").status_code == 302
    assert "Цепь" in neva.client.get(neva.url("/batches")).get_data(as_text=True)
