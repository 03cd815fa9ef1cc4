"""Lists export to CSV a spreadsheet opens in Russian, with no formula from a subscriber's text run."""

from __future__ import annotations

import csv
import io

from core.testing.fixtures import tenant_path
from core.web.csv_export import csv_text, money_cell


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_formulas_are_neutralised_and_amounts_are_rubles():
    rows = _rows(csv_text(["Name", "Sum"], [['=HYPERLINK("http://x")', money_cell(-150050)], ["Иванов", 7]]))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-1500,50"]
    assert rows[2] == ["Иванов", "7"]


def test_subscribers_list_sorts_and_downloads_as_csv(app, make_tenant, make_user, login):
    tenant = make_tenant("csv", login_identifier="contract", locale="en")
    make_user(tenant, "100300", full_name="Борисов")
    make_user(tenant, "100200", full_name="Яковлев")
    client = login(tenant, make_user(tenant, "operator", roles=("operator",)))
    by_login = client.get(tenant_path(tenant, "/admin/subscribers?sort=login")).get_data(as_text=True)
    assert by_login.index("100200") < by_login.index("100300")
    by_name = client.get(tenant_path(tenant, "/admin/subscribers?sort=name")).get_data(as_text=True)
    assert by_name.index("100300") < by_name.index("100200")
    response = client.get(tenant_path(tenant, "/admin/subscribers?sort=name&format=csv"))
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.get_data(as_text=True))
    assert rows[0][:2] == ["Login", "Full name"]
    assert [r[1] for r in rows[1:]] == ["Борисов", "Яковлев"]


def test_subscriber_csv_needs_the_permission(app, make_tenant, make_user, login):
    tenant = make_tenant("csv", login_identifier="contract", locale="en")
    subscriber = login(tenant, make_user(tenant, "100200"))
    assert subscriber.get(tenant_path(tenant, "/admin/subscribers?format=csv")).status_code == 403
