"""A registry import posts in short transactions of a chunk each: one batch hook call per chunk, other
connections see the chunks already posted, and an import stopped halfway resumes without doubling or
losing a payment."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text

from core.accounts.service import find_account, grant_access, open_account
from core.db import session, tenant_scope
from core.identity.models import User
from core.ledger import service as ledger
from core.notify.models import Notification
from core.payments.models import IMPORT_DONE, IMPORT_POSTING, Payment, RegistryImport, RegistryImportLine
from core.payments.registry import RegistryError, import_registry, resume_import
from core.plugins.markers import hookimpl
from core.plugins.types import PluginInfo
from tests.payments.test_registry import registry

# 7 lines: 5 to known accounts (100200 ×3, 100201 ×2), one unknown, and 100202 nobody logs into
LINES = (
    ("1", "100200", "10.00"),
    ("2", "100201", "20.00"),
    ("3", "100200", "30.00"),
    ("4", "555000", "1.00"),
    ("5", "100202", "5.00"),
    ("6", "100201", "40.00"),
    ("7", "100200", "50.00"),
)


class BatchWatcher:
    """A plugin written for the batch hook: records each call; can be told to fail on its n-th call."""

    plugin_info = PluginInfo(name="batch_watcher", version="0.1", title="Batch watcher")
    calls: list[list[tuple[str, int, int]]] = []
    fail_on: int | None = None
    also: Callable[[], None] | None = None

    @hookimpl
    def on_payments_posted(self, tenant, accounts, payments):
        by_id = {account.id: account for account in accounts}
        self.calls.append([(by_id[p.personal_account_id].number, p.amount, p.personal_account_id) for p in payments])
        if self.fail_on == len(self.calls):
            raise RuntimeError("the plugin failed")
        if BatchWatcher.also is not None:
            BatchWatcher.also()


class IdsWatcher:
    """A plugin that needs only the paid accounts' ids (as isp does): it names ``account_ids`` alone."""

    plugin_info = PluginInfo(name="ids_watcher", version="0.1", title="Ids watcher")
    calls: list[list[int]] = []

    @hookimpl
    def on_payments_posted(self, tenant, account_ids):
        self.calls.append(account_ids)


class OldWatcher:
    """A plugin written before the batch hook: still told of every payment, one call each."""

    plugin_info = PluginInfo(name="old_watcher", version="0.1", title="Old watcher")
    calls: list[tuple[str, int]] = []

    @hookimpl
    def on_payment_posted(self, tenant, account, payment):
        self.calls.append((account.number, payment.amount))


@pytest.fixture
def app_plugins():
    BatchWatcher.calls, BatchWatcher.fail_on, BatchWatcher.also, OldWatcher.calls = [], None, None, []
    IdsWatcher.calls = []
    return [BatchWatcher(), OldWatcher(), IdsWatcher()]


@pytest.fixture
def tenant(app, make_tenant, make_user, enable_plugin):
    tenant = make_tenant("chunks", name="Chunks", locale="en")
    enable_plugin(tenant, "batch_watcher")
    enable_plugin(tenant, "old_watcher")
    enable_plugin(tenant, "ids_watcher")
    ann = make_user(tenant, "ann@example.com", full_name="Ann")
    bob = make_user(tenant, "bob@example.com", full_name="Bob")
    with app.app_context(), tenant_scope(tenant.id):
        first, second = open_account("100200", holder_name="Ann"), open_account("100201", holder_name="Bob")
        open_account("100202", holder_name="Nobody")
        grant_access(session.get(User, ann.id), first)
        grant_access(session.get(User, ann.id), second)  # Ann sees both accounts
        grant_access(session.get(User, bob.id), second)
        session.commit()
    tenant.ann, tenant.bob = ann.id, bob.id
    return tenant


def posted_counts() -> dict[str, int]:
    rows = session.execute(select(Payment.external_id, func.count()).group_by(Payment.external_id)).all()
    return dict(rows)


def test_each_chunk_is_one_hook_call_and_each_subscriber_one_notice(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        imported = import_registry(registry(*LINES), "day.txt", "tester", chunk_size=3)
        assert (imported.status, imported.matched, imported.suspense, imported.duplicates) == (IMPORT_DONE, 6, 1, 0)
        # lines 1-3, 4-6, 7: three calls; the unknown account's line is not announced
        assert [[(number, amount) for number, amount, _id in call] for call in BatchWatcher.calls] == [
            [("100200", 1000), ("100201", 2000), ("100200", 3000)],
            [("100202", 500), ("100201", 4000)],
            [("100200", 5000)],
        ]
        assert len(OldWatcher.calls) == 6  # the older plugin, once per payment
        # a plugin naming only account_ids gets each chunk's paid accounts, once each, in id order
        number_of = {account_id: number for call in BatchWatcher.calls for number, _amount, account_id in call}
        assert [[number_of[account_id] for account_id in call] for call in IdsWatcher.calls] == [
            ["100200", "100201"],
            ["100201", "100202"],
            ["100200"],
        ]
        notices = session.execute(
            select(Notification.user_id, Notification.title, Notification.body)
            .where(Notification.kind == "payment_received")
            .order_by(Notification.user_id)
        ).all()
        # Ann: five payments on her two accounts, one notice; Bob: two payments, one notice; nobody else
        assert [(user_id, title.split(" of ")[0]) for user_id, title, _body in notices] == [
            (tenant.ann, "5 payments"),
            (tenant.bob, "2 payments"),
        ]
        assert "150" in notices[0].title and "100200" in notices[0].body and "100201" in notices[0].body
        assert "60" in notices[1].title
        assert session.scalar(select(func.count()).select_from(RegistryImportLine)) == 0  # staging emptied
        assert ledger.check() == []


def test_other_connections_write_between_chunks_and_see_those_posted(app, tenant, monkeypatch):
    """The write lock is released after each chunk: another connection writes and reads before the next one."""
    from core.payments import registry as registry_module

    seen = []
    lock_import = registry_module._lock_import

    def look_then_lock(import_id: int):
        with session.get_bind().begin() as other:  # a write transaction of its own (SQLite: the write lock)
            if other.dialect.name == "postgresql":  # row-level security: this connection reads the tenant's rows
                other.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant.id)})
            other.execute(text("UPDATE tenants SET name = name"))
            seen.append(other.execute(text("SELECT count(*) FROM payments")).scalar_one())
        return lock_import(import_id)

    monkeypatch.setattr(registry_module, "_lock_import", look_then_lock)
    with app.app_context(), tenant_scope(tenant.id):
        import_registry(registry(*LINES), "day.txt", "tester", chunk_size=3)
    assert seen == [
        0,
        3,
        6,
        7,
        7,
    ]  # before each chunk, and at the end (after the notices)


@pytest.mark.usefixtures("tenant")
def test_an_import_stopped_halfway_resumes_and_posts_every_payment_once(app, tenant):
    data = registry(*LINES)
    BatchWatcher.fail_on = 2  # the second chunk's hook raises: that chunk rolls back, the first stays
    with app.app_context(), tenant_scope(tenant.id):
        with pytest.raises(RuntimeError):
            import_registry(data, "day.txt", "tester", chunk_size=3)
        session.rollback()
        stopped = session.scalar(select(RegistryImport))
        assert (stopped.status, stopped.posted_lines) == (IMPORT_POSTING, 3)
        assert posted_counts() == {"1": 1, "2": 1, "3": 1}
        assert find_account("100200").balance == 4000
        assert session.scalar(select(func.count()).select_from(Notification)) == 0  # told at the end only

        BatchWatcher.fail_on = None
        resumed = import_registry(data, "day.txt", "tester", chunk_size=3)  # the same file: resumes
        assert resumed.id == stopped.id and resumed.status == IMPORT_DONE
        assert (resumed.lines, resumed.matched, resumed.suspense, resumed.duplicates) == (7, 6, 1, 0)
        assert posted_counts() == {str(n): 1 for n in range(1, 8)}
        assert find_account("100200").balance == 9000 and find_account("100201").balance == 6000
        assert session.scalar(select(func.count()).select_from(RegistryImport)) == 1
        assert ledger.check() == []

        again = import_registry(data, "day.txt", "tester", chunk_size=3)  # a finished file: duplicates only
        assert (again.matched, again.suspense, again.duplicates) == (0, 0, 7)
        assert posted_counts() == {str(n): 1 for n in range(1, 8)}
        assert resume_import(resumed.id).status == IMPORT_DONE  # resuming a finished import does nothing
        assert posted_counts() == {str(n): 1 for n in range(1, 8)}
        # Ann told once for the import (not once per attempt)
        assert session.scalar(select(func.count()).where(Notification.user_id == tenant.ann)) == 1


def test_a_bad_line_refuses_the_file_with_its_number_and_stages_nothing(app, tenant):
    data = registry(("1", "100200", "10.00"), ("2", "100201", "-5.00"), ("", "100201", "1.00"), totals=(3, "6.00"))
    with app.app_context(), tenant_scope(tenant.id):
        with pytest.raises(RegistryError) as refused:
            import_registry(data, "bad.txt", "tester", chunk_size=1)
        assert [problem.line for problem in refused.value.problems] == [2, 3]
        session.rollback()
        for model in (Payment, RegistryImport, RegistryImportLine, Notification):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
    assert BatchWatcher.calls == []


def test_an_import_stopped_while_staging_is_staged_again_and_posted_once(app, tenant, monkeypatch):
    from core.payments import registry as registry_module

    data = registry(*LINES)
    stage = registry_module._stage
    calls = []

    def stage_then_crash(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker stopped")
        stage(*args)

    monkeypatch.setattr(registry_module, "STAGE_CHUNK", 3)
    monkeypatch.setattr(registry_module, "_stage", stage_then_crash)
    with app.app_context(), tenant_scope(tenant.id):
        with pytest.raises(RuntimeError):
            import_registry(data, "day.txt", "tester")
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Payment)) == 0  # nothing posted while staging
        imported = import_registry(data, "day.txt", "tester")
        assert (imported.status, imported.matched, imported.suspense) == (IMPORT_DONE, 6, 1)
        assert session.scalar(select(func.count()).select_from(RegistryImport)) == 1  # the stopped one is gone
        assert posted_counts() == {str(n): 1 for n in range(1, 8)}
        assert ledger.check() == []
