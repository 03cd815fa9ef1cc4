"""The FAQ example plugin end to end: its register_api endpoint, register_commands CLI, and core's register_jobs."""

from click.testing import CliRunner

from core.cli.main import cli
from core.testing.fixtures import tenant_path


def test_register_api_endpoint_lists_published_questions(app, make_tenant, make_user, enable_plugin, api_token):
    tenant = make_tenant("acme")
    enable_plugin(tenant, "faq")
    token = api_token(tenant, make_user(tenant, "ann@example.com"))
    response = app.test_client().get(tenant_path(tenant, "/api/v1/faq"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [e["question"] for e in response.get_json()] == ["Как сменить пароль?"]


def test_register_commands_adds_a_line_numbered_import(app, make_tenant, enable_plugin, tmp_path, monkeypatch):
    tenant = make_tenant("acme")
    enable_plugin(tenant, "faq")
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    bad = tmp_path / "bad.txt"
    bad.write_text("Как оплатить? | Картой в кабинете\nбез разделителя\n | пустой вопрос\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["faq", "import", str(bad), "--tenant", "acme"])
    assert result.exit_code == 1
    assert f"{bad}:2:" in result.output and f"{bad}:3:" in result.output and "nothing imported" in result.output
    good = tmp_path / "good.txt"
    good.write_text("# comment\nКак оплатить? | Картой в кабинете\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["faq", "import", str(good), "--tenant", "acme"])
    assert result.exit_code == 0 and "imported 1 question" in result.output


def test_register_jobs_lists_and_runs_core_jobs(app, monkeypatch):
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    listing = CliRunner().invoke(cli, ["jobs", "list"])
    assert "core.mail.deliver" in listing.output
    run = CliRunner().invoke(cli, ["jobs", "run", "core.mail.deliver"])
    assert run.exit_code == 0 and "core.mail.deliver" in run.output


def test_the_editor_form_explains_bad_input_in_russian_and_saves_good_input(
    app, make_tenant, make_user, enable_plugin, login
):
    from core.testing.fixtures import tenant_path

    tenant = make_tenant("faqform", locale="ru")
    enable_plugin(tenant, "faq")
    operator = make_user(tenant, "op@faqform.test", roles=("operator",))
    client = login(tenant, operator)
    url = tenant_path(tenant, "/faq/manage")

    refused = client.submit(url, {"question": "", "answer": "Ответ", "position": "²"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Введите вопрос." in page and "Введите целое число." in page
    assert 'value="²"' in page  # what was typed is shown again

    saved = client.submit(url, {"question": "Как оплатить?", "answer": "Картой.", "position": "5", "published": "on"})
    assert saved.status_code == 302
    listing = client.get(tenant_path(tenant, "/faq/")).get_data(as_text=True)
    assert "Как оплатить?" in listing


def test_the_dashboard_lists_the_questions_and_shows_an_edit_at_once(app, make_tenant, make_user, enable_plugin, login):
    """The dashboard keeps the questions per worker: an operator's edit still shows on the next page."""
    tenant = make_tenant("faqdash", locale="ru")
    enable_plugin(tenant, "faq")
    reader = login(tenant, make_user(tenant, "ann@faqdash.test"))
    assert "Как сменить пароль?" in reader.get(tenant_path(tenant, "/")).get_data(as_text=True)
    operator = login(tenant, make_user(tenant, "op@faqdash.test", roles=("operator",)))
    added = operator.submit(
        tenant_path(tenant, "/faq/manage"),
        {"question": "Как оплатить?", "answer": "Картой.", "position": "1", "published": "on"},
    )
    assert added.status_code == 302
    dashboard = reader.get(tenant_path(tenant, "/")).get_data(as_text=True)
    assert dashboard.index("Как оплатить?") < dashboard.index("Как сменить пароль?")
