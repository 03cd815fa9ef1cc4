"""Values that cross the border between core and plugins."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import Any

from marshmallow import Schema


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin says about itself. A plugin module exposes one as ``plugin_info``.

    ``requires_core`` is a version specifier (``">=0.1,<1"``) checked at start-up.
    ``settings_schema`` is a marshmallow schema with ``unknown = RAISE`` and a default for every field.
    ``migrations`` is the folder of the plugin's Alembic branch (``branch_labels=(name,)``).
    ``translations`` is the folder with the plugin's gettext catalogues (``messages`` domain).
    """

    name: str
    version: str
    title: str
    description: str = ""
    requires_core: str = ">=0.1"
    settings_schema: type[Schema] | None = None
    migrations: Path | None = None
    translations: Path | None = None


@dataclass(frozen=True)
class Permission:
    """A permission string registered by core or a plugin, and the built-in roles that get it by default."""

    name: str
    title: str
    default_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleSpec:
    """A role a plugin (or core) adds. ``organization_scoped`` roles are assigned inside an organization."""

    code: str
    title: str
    permissions: tuple[str, ...] = ()
    organization_scoped: bool = False
    assignable_by: str = "staff.manage"


@dataclass(frozen=True)
class MenuItem:
    """An entry of the cabinet's navigation. ``endpoint`` is a Flask endpoint; lower ``order`` comes first."""

    title: str
    endpoint: str
    order: int = 100
    icon: str = ""
    # "cabinet" for subscribers, "admin" for the operator/admin area, "login" for a link under the login form
    # (shown to visitors: self-registration, a connection request …; return it when ``user`` is ``None``)
    area: str = "cabinet"
    permission: str | None = None
    url_values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Widget:
    """A dashboard card: a title and pre-rendered, escaped HTML (render it with ``render_template``).

    Core drops a card whose ``permission`` the viewer lacks (like a ``MenuItem``), so a card never
    links to a page that would answer 403; return it unconditionally.
    """

    title: str
    html: str
    order: int = 100
    permission: str | None = None


@dataclass(frozen=True)
class Counter:
    """A number on the staff start page that links to the filtered list it counts.

    ``endpoint``/``url_values`` build the link; core drops a counter whose ``permission`` the user
    lacks. ``value`` is a number or a short text (the last charge run's result); ``alert`` marks a
    number that needs attention today (overdue tickets); ``hint`` is one line under the number.
    """

    title: str
    value: int | str
    endpoint: str
    url_values: dict[str, Any] = field(default_factory=dict)
    permission: str | None = None
    order: int = 100
    hint: str = ""
    alert: bool = False


@dataclass(frozen=True)
class Job:
    """A periodic job. ``run(now)`` must be idempotent; it runs every ``every_seconds`` seconds."""

    name: str
    run: Callable[..., Any]
    every_seconds: int = 60


@dataclass(frozen=True)
class TenantJob:
    """A periodic job that core runs once for each active tenant that has enabled ``plugin``.

    ``run(tenant, now)`` runs inside that tenant's scope (``core.api.current_tenant()`` is ``tenant``). Core
    commits when it returns and rolls back when it raises; a failure is logged and the next tenant still runs.
    It must be idempotent. It may commit itself in chunks (a long billing run does). The job's result, by
    tenant slug, is what ``abonent jobs run NAME`` prints; ``--tenant SLUG`` runs it for one tenant.
    """

    name: str
    plugin: str
    run: Callable[..., Any]
    every_seconds: int = 60


@dataclass(frozen=True)
class BackgroundAction:
    """A long operator action (a charge run, a mailing, an import) that runs on the job queue, not in a request.

    An operator page calls ``core.api.start_task(code, params)`` and sends the operator to the task's page, which
    shows its progress and, when it ends, its result. A job consumer calls ``run(params, progress)`` inside the
    tenant's scope. ``run`` should commit its work in chunks and call ``progress.advance(done, total)`` after each
    (that commits too, so the page sees it); it returns a dict of figures, shown through ``describe(figures)``
    (called at display time, in the reader's language; mark its sentences for translation). When ``run`` raises,
    its uncommitted work rolls back and the task is shown as failed. ``permission`` is needed to start the action
    and to see its tasks. ``title`` is an untranslated text marked with ``N_``.
    """

    code: str
    title: str
    run: Callable[..., dict[str, Any] | None]
    permission: str
    describe: Callable[[dict[str, Any]], str] | None = None


@dataclass(frozen=True)
class LoginVariant:
    """One of several login forms on a site (an ISP's cable and Wi-Fi subscribers, say).

    The login page shows one tab per variant (plain links, no JavaScript). A login through a variant
    succeeds only if ``accepts(user)`` is true; otherwise the subscriber is told to use the right form.
    ``hint`` is shown under the form (where the login and password are printed, for example).
    """

    code: str
    title: str
    accepts: Callable[[Any], bool]
    hint: str = ""


# --- money: what plugins say about a subscriber's money (``money_owed``, ``charge_outlook``) ----------


@dataclass(frozen=True)
class MoneyOwed:
    """Money on the balance that is not the subscriber's: ``amount`` kopecks taken back on ``due_on``.

    ``title`` names it in the page's language (e.g. "Promised payment"). The balance already holds the
    amount; the subscriber's own money is the balance minus everything owed.
    """

    amount: int
    due_on: date
    title: str


@dataclass(frozen=True)
class CostSpan:
    """From ``first_day`` to ``last_day`` (inclusive; ``None``: open-ended) each day costs ``per_day`` kopecks."""

    first_day: date
    last_day: date | None
    per_day: int

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class ChargeOutlook:
    """What a plugin knows of the charges ahead.

    ``spans`` start at the first day not charged yet and say what each day really costs (a voluntary
    block's days cost its fee, not the services'); a day no span covers costs nothing. ``period_end``
    is the last day of the charge period the "keep the services on" amount pays for. ``blocked``: the
    services are stopped for debt now. ``resume_balance``: the balance at which stopped services come
    back at once (``None``: paying does not bring them back by itself). ``grace_days``: how many days
    services stay on after the money runs out.
    """

    spans: tuple[CostSpan, ...]
    period_end: date
    blocked: bool = False
    resume_balance: int | None = 0
    grace_days: int = 0

    @property
    def first_day(self) -> date | None:
        return min((span.first_day for span in self.spans), default=None)

    @cached_property
    def _steps(self) -> tuple[tuple[date, ...], tuple[int, ...]]:
        """The days on which the cost per day changes, and the cost from each of them on (it is constant between)."""
        # One sweep over the spans' edges: a span adds its cost from its first day and takes it back the day after
        # its last (many spans — one per day of a voluntary block, say — stay linear, not spans × edges).
        changes: dict[date, int] = defaultdict(int)
        for span in self.spans:
            if span.last_day is not None and span.last_day < span.first_day:
                continue  # covers no day
            changes[span.first_day] += span.per_day
            if span.last_day is not None:
                changes[span.last_day + timedelta(days=1)] -= span.per_day
        days = tuple(sorted(changes))
        return days, tuple(accumulate(changes[day] for day in days))

    def cost_on(self, day: date) -> int:
        days, costs = self._steps
        step = bisect_right(days, day) - 1
        return costs[step] if step >= 0 else 0

    def cost_through(self, last_day: date) -> int:
        """What the days from the first uncharged day through ``last_day`` cost."""
        days, costs = self._steps
        total = 0
        for step, start in enumerate(days):
            if start > last_day:
                break
            end = min(days[step + 1] - timedelta(days=1), last_day) if step + 1 < len(days) else last_day
            total += costs[step] * ((end - start).days + 1)
        return total


# --- receipts and the demo: what ``receipt_lines`` and ``load_demo_data`` return --------------------------


@dataclass(frozen=True)
class ReceiptLine:
    """A line a plugin adds to a printed receipt (``receipt_lines``): information, not money due.

    ``title`` is what the line says (a tariff, a meter), ``amount`` an optional figure in integer kopecks,
    ``details`` the calculation or readings in words.
    """

    title: str
    amount: int | None = None
    details: str = ""


@dataclass(frozen=True)
class DemoLogin:
    """A login a plugin's demo data created (``load_demo_data``), printed by ``abonent demo`` with the others.

    ``note`` says who it is in a few words ("in debt, services blocked"); the demo resets the password
    to ``password`` on every start.
    """

    login: str
    password: str
    note: str = ""
