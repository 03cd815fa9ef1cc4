"""Bank payment registries: the whole file is checked first, then posted at once, never twice."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select

from core.accounts.service import find_account, grant_access, open_account
from core.audit.models import AuditEvent
from core.cli.main import cli
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.ledger.models import LedgerTransaction
from core.notify.models import Notification
from core.payments.models import MOVED, POSTED, REGISTRY, SUSPENSE, Payment, RegistryImport
from core.payments.registry import RegistryError, import_registry, parse_amount, parse_registry
from core.payments.service import move_from_suspense
from core.payments.settings import RegistryLayout
from core.plugins.markers import hookimpl
from core.plugins.types import PluginInfo
from core.settings.service import save_settings

SAMPLE = Path(__file__).parent / "data" / "sberbank_sample.txt"  # cp1251: 100200, 100-201 and unknown 555000
LAYOUT = RegistryLayout().load({})
PAYER = "Иванов Иван Иванович"
ADDRESS = "г. Челябинск, ул. Примерная, 1-5"


def registry(*payments: tuple[str, str, str], totals: tuple[int, str] | None = None, encoding="cp1251") -> bytes:
    """A Sberbank-style registry of ``(payment id, account, amount)`` with a correct totals line by default."""
    lines = [
        f"01-11-2026;10-15-00;8597;8597/0001;{pid};{account};{PAYER};{ADDRESS};1126;{amount};{amount};0.00"
        for pid, account, amount in payments
    ]
    if totals is None:
        total = sum(Decimal(amount.replace(",", ".")) for _pid, _account, amount in payments)
        totals = (len(payments), f"{total:.2f}")
    lines.append(f"={totals[0]};{totals[1]};0.00;0.00;12345;01-11-2026")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def problems_of(data: bytes) -> list[tuple[int, str]]:
    return [(p.line, p.reason) for p in parse_registry(data, LAYOUT).problems]


# -- parsing ---------------------------------------------------------------------------------------


def test_sample_file_is_read_in_cp1251_with_amounts_in_kopecks():
    parsed = parse_registry(SAMPLE.read_bytes(), LAYOUT)
    assert parsed.ok and parsed.encoding == "cp1251"
    assert [(line.payment_id, line.account, line.amount) for line in parsed.lines] == [
        ("123456789", "100200", 150_000),
        ("123456790", "100-201", 75_050),
        ("123456791", "555000", 20_000),
    ]
    assert parsed.lines[0].payer == PAYER and parsed.lines[1].number == "100201"
    assert (parsed.totals_count, parsed.totals_amount) == (3, 245_050)


def test_utf8_with_and_without_bom_reads_the_same():
    text = SAMPLE.read_bytes().decode("cp1251")
    for data in (text.encode("utf-8"), "\ufeff".encode() + text.encode("utf-8")):
        parsed = parse_registry(data, LAYOUT)
        assert parsed.ok and parsed.encoding == "utf-8"
        assert parsed.lines[0].payer == PAYER and parsed.total == 245_050


def test_an_explicit_encoding_that_does_not_fit_names_the_line():
    data = registry(("1", "100200", "10.00"), ("2", "100200", "20.00"))
    assert problems_of(data) == []
    layout = {**LAYOUT, "encoding": "utf-8"}
    problems = parse_registry(data, layout).problems
    assert [p.line for p in problems] == [1] and "utf-8" in problems[0].reason


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [("1500.00", 150_000), ("1500,00", 150_000), ("0.01", 1), ("7,5", 750), ("12", 1200), (" 99.90 ", 9990)],
)
def test_amounts_are_exact_kopecks(text, kopecks):
    assert parse_amount(text) == kopecks


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-5.00", "negative"),
        ("0.00", "zero"),
        ("0", "zero"),
        ("1500.001", "more than 2 decimals"),
        ("15 00", "not a number"),
        ("1e3", "not a number"),
        ("", "not a number"),
        ("NaN", "not a number"),
        ("12345678901.00", "too large"),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


def test_every_problem_is_named_with_its_line():
    lines = [
        "01-11-2026;10-15-00;8597;8597/0001;1;100200;A;B;1126;100.00;100.00;0.00",  # fine
        "32-11-2026;10-15-00;8597;8597/0001;2;100200;A;B;1126;100.00;100.00;0.00",  # bad date
        "01-11-2026;10-15-00;8597;8597/0001;;100200;A;B;1126;100.00;100.00;0.00",  # empty payment id
        "01-11-2026;10-15-00;8597;8597/0001;4; ;A;B;1126;100.00;100.00;0.00",  # empty account
        "01-11-2026;10-15-00;8597;8597/0001;1;100200;A;B;1126;100.00;100.00;0.00",  # payment id of line 1
        "01-11-2026;10-15-00;8597;8597/0001;6;100200;A;B;1126;-3.00;100.00;0.00",  # negative
        "01-11-2026;10-15-00;8597;8597/0001;7;100200;A;B;1126;1.005;100.00;0.00",  # 3 decimals
        "01-11-2026;10-15-00;8597;8597/0001;8;100200;A;B;1126;0,00;100.00;0.00",  # zero
        "01-11-2026;10-15-00;8597;8597/0001;9;100200;A;B;1126;100.00;100.00",  # 11 columns
        "01-11-2026;10-15-00;8597",  # far too short
        "",  # blank lines do not count
        "=9;100.00",  # count and sum are wrong
        "01-11-2026;10-15-00;8597;8597/0001;13;100200;A;B;1126;100.00;100.00;0.00",  # after the totals
    ]
    problems = problems_of("\n".join(lines).encode("cp1251"))
    assert problems == [
        (2, "the date 32-11-2026 is not a date written like 31-12-2026"),
        (3, "the payment id is empty"),
        (4, "the personal account is empty"),
        (5, "the payment id 1 repeats line 1"),
        (6, "the amount -3.00 is negative"),
        (7, "the amount 1.005 has more than 2 decimals"),
        (8, "the amount 0,00 is zero"),
        (9, "11 columns; the first payment line has 12"),
        (10, "3 columns; the layout needs at least 10"),
        (12, "the totals line says 9 payments; the file has 10"),
        (13, "a line after the totals line"),
    ]


def test_totals_line_missing_or_wrong_sum():
    without = b"01-11-2026;10-15-00;8597;8597/0001;1;100200;A;B;1126;100.00;100.00;0.00\n"
    assert problems_of(without) == [(2, "the totals line (starting with =) is missing")]
    assert problems_of(b"") == [(1, "the totals line (starting with =) is missing")]
    wrong_sum = registry(("1", "100200", "100.00"), ("2", "100200", "50,50"), totals=(2, "150.00"))
    assert problems_of(wrong_sum) == [(3, "the totals line says 150.00; the payments add up to 150.50")]
    bad_date_too = wrong_sum.replace(b"01-11-2026;10-15-00;8597;8597/0001;2;", b"01-13-2026;10-15-00;8597;8597/0001;2;")
    assert [line for line, _reason in problems_of(bad_date_too)] == [2, 3]  # the sum is still checked
    assert problems_of(registry(totals=(0, "0.00"))) == []


def test_a_line_that_is_not_text_at_all_is_named():
    line = b"01-11-2026;10-15-00;8597;8597/0001;1;100200;A;B;1126;100.00;100.00;0.00\n"
    data = line + b"x" * 200_000 + b"\n=1;100.00\n"
    assert problems_of(data) == [(2, "the line cannot be read: field larger than field limit (131072)")]
    assert [p.line for p in parse_registry(b"\x98" * 10, LAYOUT).problems] == [1]  # neither UTF-8 nor cp1251


def test_layout_columns_delimiter_and_totals_prefix_are_the_tenants():
    layout = {
        **LAYOUT,
        "delimiter": "|",
        "date_column": 1,
        "date_format": "%Y-%m-%d",
        "payment_id_column": 0,
        "account_column": 2,
        "payer_column": -1,
        "amount_column": 3,
        "totals_prefix": "ИТОГО",
        "totals_count_column": 1,
        "totals_amount_column": 0,
    }
    data = "A-1|2026-11-01|100200|10.00\nA-2|2026-11-02|100201|5,25\nИТОГО15.25|2\n".encode("cp1251")
    parsed = parse_registry(data, layout)
    assert parsed.ok, parsed.problems
    assert [(line.payment_id, line.account, line.amount, line.payer) for line in parsed.lines] == [
        ("A-1", "100200", 1000, ""),
        ("A-2", "100201", 525, ""),
    ]


# -- importing -------------------------------------------------------------------------------------


@pytest.fixture
def isp(app, make_tenant):
    tenant = make_tenant("isp", name="ISP")
    with app.app_context(), tenant_scope(tenant.id):
        open_account("100200", holder_name="Иванов")
        open_account("100201", holder_name="Петрова")
        session.commit()
    return tenant


@pytest.fixture
def scope(app, isp):
    with app.app_context(), tenant_scope(isp.id):
        yield isp


def balances() -> dict[str, int]:
    return {
        "100200": find_account("100200").balance,
        "100201": find_account("100201").balance,
        "suspense": ledger.balance(ledger.suspense_account()),
        "clearing": ledger.balance(ledger.clearing_account("sberbank")),
    }


def figures(imported: RegistryImport) -> tuple:
    return (
        (imported.lines, imported.total),
        (imported.matched, imported.matched_total),
        (imported.suspense, imported.suspense_total),
        (imported.duplicates, imported.duplicates_total),
    )


def test_import_posts_matched_payments_and_keeps_unknown_ones_in_suspense(scope):
    imported = import_registry(SAMPLE.read_bytes(), "sberbank_sample.txt", "tester")
    session.commit()
    assert figures(imported) == ((3, 245_050), (2, 225_050), (1, 20_000), (0, 0))
    assert len(imported.sha256) == 64 and imported.provider == "sberbank" and imported.actor == "tester"
    assert balances() == {"100200": 150_000, "100201": 75_050, "suspense": 20_000, "clearing": -245_050}
    payments = {p.external_id: p for p in session.scalars(select(Payment))}
    assert {pid: (p.status, p.account_number, p.amount) for pid, p in payments.items()} == {
        "123456789": (POSTED, "100200", 150_000),
        "123456790": (POSTED, "100201", 75_050),
        "123456791": (SUSPENSE, "555000", 20_000),
    }
    unknown = payments["123456791"]
    assert unknown.channel == REGISTRY and unknown.personal_account_id is None
    assert unknown.registry_import_id == imported.id and unknown.payer == "Сидоров Пётр Ильич"
    assert unknown.paid_at.date().isoformat() in ("2026-10-31", "2026-11-01")  # midnight in the tenant's zone
    txn = session.get(LedgerTransaction, payments["123456789"].transaction_id)
    assert txn.idempotency_key == "registry:sberbank:123456789" and txn.kind == "payment"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "payments.registry_import")) is not None
    assert ledger.check() == []


def test_the_same_registry_twice_posts_once_and_reports_duplicates(scope):
    data = SAMPLE.read_bytes()
    import_registry(data, "sberbank_sample.txt", "tester")
    session.commit()
    after_first = balances()
    again = import_registry(data, "sberbank_sample.txt", "tester")
    session.commit()
    assert figures(again) == ((3, 245_050), (0, 0), (0, 0), (3, 245_050))
    assert balances() == after_first
    assert session.scalar(select(func.count()).select_from(Payment)) == 3
    assert session.scalar(select(func.count()).select_from(RegistryImport)) == 2
    assert ledger.check() == []


def test_a_later_file_repeating_a_payment_id_posts_only_the_new_ones(scope):
    import_registry(registry(("1", "100200", "100.00"), ("2", "100201", "200.00")), "day1.txt", "tester")
    later = import_registry(registry(("2", "100201", "200.00"), ("3", "100200", "5.00")), "day2.txt", "tester")
    session.commit()
    assert figures(later) == ((2, 20_500), (1, 500), (0, 0), (1, 20_000))
    assert balances()["100200"] == 10_500 and balances()["100201"] == 20_000
    assert ledger.check() == []


def test_a_payment_in_suspense_stays_a_duplicate_after_its_account_is_opened(scope):
    data = registry(("7", "300300", "70.00"))
    import_registry(data, "day1.txt", "tester")
    open_account("300300")
    again = import_registry(data, "day1.txt", "tester")
    session.commit()
    assert figures(again) == ((1, 7000), (0, 0), (0, 0), (1, 7000))
    assert find_account("300300").balance == 0 and balances()["suspense"] == 7000


def test_a_repeated_payment_id_with_another_amount_is_refused(scope):
    import_registry(registry(("1", "100200", "100.00")), "day1.txt", "tester")
    session.commit()
    with pytest.raises(RegistryError) as refused:
        import_registry(registry(("5", "100200", "1.00"), ("1", "100200", "101.00")), "day2.txt", "tester")
    assert [str(p) for p in refused.value.problems] == [
        "line 2: the payment id 1 was imported before with the amount 100.00"
    ]
    session.rollback()
    assert balances()["100200"] == 10_000


def test_a_bad_line_imports_nothing(scope):
    data = registry(("1", "100200", "100.00"), ("2", "100201", "1,001"), ("3", "555", "5.00"), totals=(3, "106.00"))
    with pytest.raises(RegistryError) as refused:
        import_registry(data, "bad.txt", "tester")
    assert [(p.line, p.reason) for p in refused.value.problems] == [(2, "the amount 1,001 has more than 2 decimals")]
    session.commit()  # even if the caller commits, nothing was written
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    assert session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0


def test_totals_mismatch_is_refused(scope):
    data = registry(("1", "100200", "100.00"), ("2", "100201", "50.00"), totals=(2, "149.99"))
    with pytest.raises(RegistryError, match="nothing imported") as refused:
        import_registry(data, "bad.txt", "tester")
    assert [p.line for p in refused.value.problems] == [3]
    assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0


def test_cp1251_and_utf8_files_import_alike(scope):
    first = import_registry(registry(("1", "100200", "10.00"), encoding="cp1251"), "cp1251.txt", "tester")
    second = import_registry(registry(("2", "100200", "20.00"), encoding="utf-8"), "utf8.txt", "tester")
    session.commit()
    payers = set(session.scalars(select(Payment.payer)))
    assert payers == {PAYER} and first.matched == second.matched == 1
    assert balances()["100200"] == 3000


def test_the_tenants_layout_names_the_provider_and_clearing_account(scope):
    save_settings("payments.registry", {"provider": "gorod", "encoding": "utf-8"})
    imported = import_registry(registry(("9", "100200", "10.00"), encoding="utf-8"), "gorod.txt", "tester")
    session.commit()
    assert imported.provider == "gorod"
    assert ledger.balance(ledger.clearing_account("gorod")) == -1000
    assert session.scalar(select(LedgerTransaction.idempotency_key)) == "registry:gorod:9"


def test_dry_run_reports_and_writes_nothing(scope):
    preview = import_registry(SAMPLE.read_bytes(), "sberbank_sample.txt", "tester", dry_run=True)
    assert figures(preview) == ((3, 245_050), (2, 225_050), (1, 20_000), (0, 0))
    session.commit()
    assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0
    assert session.scalar(select(func.count()).select_from(RegistryImport)) == 0


def test_moving_a_suspense_payment_updates_both_balances_and_is_audited(scope):
    import_registry(SAMPLE.read_bytes(), "sberbank_sample.txt", "tester")
    payment = session.scalar(select(Payment).where(Payment.status == SUSPENSE))
    move_from_suspense(payment, find_account("100201"), "typo in the account number")
    session.commit()
    assert balances()["suspense"] == 0 and balances()["100201"] == 75_050 + 20_000
    assert payment.status == MOVED
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.move_from_suspense"))
    assert event.after["reason"] == "typo in the account number"
    assert ledger.check() == []


def test_import_is_set_based_not_a_query_per_line(scope, monkeypatch, enable_plugin):
    """The import's statements grow with its chunks of 1000 lines, not with its lines.

    What the plugins do with a chunk's payments (``on_payments_posted``) is counted apart: one call per chunk.
    """
    from core.payments import registry as registry_module

    enable_plugin(scope, "payment_watcher")  # a plugin listens: every payment on an account is announced
    announced = []
    monkeypatch.setattr(
        registry_module,
        "announce_payments",
        lambda tenant, accounts, payments, **_ids: announced.append(len(payments)),
    )

    def statements_for(count: int, offset: int) -> int:
        payments = [(str(offset + i), ("100200", "100201", f"9{i}")[i % 3], "1.00") for i in range(count)]
        data = registry(*payments)
        seen = []

        def count_statement(*_args):
            seen.append(1)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count_statement)
        try:
            import_registry(data, "f.txt", "tester")
        finally:
            event.remove(engine, "before_cursor_execute", count_statement)
        session.commit()
        return len(seen)

    small = statements_for(6, 0)  # one chunk
    large = statements_for(1800, 10_000)  # two chunks
    assert large <= 2 * small, (small, large)
    # every payment that reached an account (two lines in three), one call per chunk of 1000 lines
    assert announced == [4, 667, 533]


def test_cabinet_users_hear_of_registry_payments_to_their_accounts(app, isp, make_user):
    holder = make_user(isp, "ann@example.com", full_name="Ann")
    with app.app_context(), tenant_scope(isp.id):
        grant_access(session.get(User, holder.id), find_account("100200"))
        session.commit()
        import_registry(SAMPLE.read_bytes(), "sberbank_sample.txt", "tester")  # 100200, 100201 (nobody's), 555000
        session.commit()
        notices = list(session.scalars(select(Notification)))
        assert [(n.user_id, n.dedupe_key) for n in notices] == [(holder.id, notices[0].dedupe_key)]
        assert "1" in notices[0].title  # "Payment of 1 500,00 ₽ received"


def test_two_imports_of_one_file_at_the_same_moment_post_it_once(app, isp, abonent_database, monkeypatch):
    """Both imports pass the "posted before?" check; the ledger's unique key decides, the loser reports duplicates."""
    if abonent_database.dialect != "postgresql":
        pytest.skip("a real race needs PostgreSQL (SQLite serialises the two imports)")
    from core.payments import registry as registry_module

    barrier = threading.Barrier(2, timeout=30)
    looked = registry_module._posted_before

    def look_then_wait(keys):
        found = looked(keys)
        barrier.wait()
        return found

    monkeypatch.setattr(registry_module, "_posted_before", look_then_wait)
    results = []

    def run():
        with app.app_context(), tenant_scope(isp.id):
            try:
                imported = import_registry(SAMPLE.read_bytes(), "sberbank_sample.txt", "tester")
                session.commit()
                results.append(figures(imported))
            except Exception as error:  # reported below
                session.rollback()
                results.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [
        ((3, 245_050), (0, 0), (0, 0), (3, 245_050)),
        ((3, 245_050), (2, 225_050), (1, 20_000), (0, 0)),
    ]
    with app.app_context(), tenant_scope(isp.id):
        assert balances() == {"100200": 150_000, "100201": 75_050, "suspense": 20_000, "clearing": -245_050}
        assert session.scalar(select(func.count()).select_from(Payment)) == 3
        assert ledger.check() == []


# -- the on_payment_posted hook --------------------------------------------------------------------


class PaymentWatcher:
    plugin_info = PluginInfo(name="payment_watcher", version="0.1", title="Payment watcher")
    calls: list[tuple[str, str, int, int]] = []

    @hookimpl
    def on_payment_posted(self, tenant, account, payment):
        self.calls.append((tenant.slug, account.number, payment.amount, account.balance))


@pytest.fixture
def app_plugins():
    PaymentWatcher.calls = []
    return [PaymentWatcher()]


def test_plugins_hear_of_every_payment_that_reached_an_account(app, isp, enable_plugin):
    enable_plugin(isp, "payment_watcher")
    with app.app_context(), tenant_scope(isp.id):
        data = registry(
            ("1", "100200", "10.00"), ("2", "100200", "5.00"), ("3", "777", "1.00"), ("4", "100201", "2.00")
        )
        import_registry(data, "f.txt", "tester")
        session.commit()
        assert sorted(PaymentWatcher.calls) == [
            ("isp", "100200", 500, 1500),
            ("isp", "100200", 1000, 1500),
            ("isp", "100201", 200, 200),
        ]
        PaymentWatcher.calls.clear()
        import_registry(data, "f.txt", "tester")  # duplicates: nothing new reaches an account
        assert PaymentWatcher.calls == []


# -- the CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def runner(app, monkeypatch):
    monkeypatch.setenv("ABONENT_DATABASE_URL", app.config["DATABASE_URL"])
    return CliRunner()


def test_cli_imports_and_prints_the_reconciliation_report(app, isp, runner):
    result = runner.invoke(cli, ["payments", "import", str(SAMPLE), "--tenant", "isp"])
    assert result.exit_code == 0, result.output
    assert "payments:   3, total 2450.50" in result.stdout
    assert "matched:    2, total 2250.50" in result.stdout
    assert "suspense:   1, total 200.00" in result.stdout
    assert "duplicates: 0, total 0.00" in result.stdout
    again = runner.invoke(cli, ["payments", "import", str(SAMPLE), "--tenant", "isp"])
    assert again.exit_code == 0 and "duplicates: 3, total 2450.50" in again.stdout
    with app.app_context(), tenant_scope(isp.id):
        assert find_account("100200").balance == 150_000
        assert ledger.check() == []


def test_cli_lists_every_problem_and_imports_nothing(app, isp, runner, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(registry(("1", "100200", "10.00"), ("", "100201", "abc"), totals=(2, "10.00")))
    result = runner.invoke(cli, ["payments", "import", str(bad), "--tenant", "isp"])
    assert result.exit_code == 1
    assert f"{bad}:2: the payment id is empty" in result.stderr
    assert f"{bad}:2: the amount abc is not a number" in result.stderr
    assert "nothing imported" in result.stderr
    with app.app_context(), tenant_scope(isp.id):
        assert session.scalar(select(func.count()).select_from(LedgerTransaction)) == 0


def test_cli_dry_run_imports_nothing(app, isp, runner):
    result = runner.invoke(cli, ["payments", "import", str(SAMPLE), "--tenant", "isp", "--dry-run"])
    assert result.exit_code == 0 and "matched:    2" in result.stdout and "nothing imported" in result.stdout
    with app.app_context(), tenant_scope(isp.id):
        assert session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    unknown = runner.invoke(cli, ["payments", "import", str(SAMPLE), "--tenant", "nope"])
    assert unknown.exit_code == 2
