"""Audiences of news: "everyone" by default, or a filter a plugin offers (``news_audiences`` hook).

A news item stores its audience as ``{}`` (everyone) or ``{"filter": key, "value": value}``; the
plugin that offered ``key`` answers whether a user belongs through :attr:`Audience.includes`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_request_context

from core.db.memo import request_memo
from core.plugins.manager import flatten
from core.plugins.state import tenant_hooks

if TYPE_CHECKING:
    from core.identity.models import User
    from core.tenants.models import Tenant


@dataclass(frozen=True)
class Audience:
    """A group of users news can be addressed to, offered by a plugin (e.g. the subscribers of a tariff).

    ``key`` names the filter (``"tariff"``), ``title`` is shown to the operator, ``choices`` are the
    ``(value, label)`` pairs to pick from (values are strings), and ``includes(user, value)`` answers
    whether ``user`` belongs to the audience ``value`` (keep it cheap: it runs for each reader).
    ``memberships(user)``, if given, answers for every value at once: the values ``user`` belongs to
    (one query), so a list of news checks all its items with one answer.
    """

    key: str
    title: str
    choices: Sequence[tuple[str, str]]
    includes: Callable[[User, str], bool]
    memberships: Callable[[User], Collection[str]] | None = None


def offered_audiences(tenant: Tenant) -> dict[str, Audience]:
    """The audiences the tenant's enabled plugins offer, by key (cached per request)."""
    cache = g.setdefault("news_audiences", {}) if has_request_context() else {}
    if tenant.id not in cache:
        found: dict[str, Audience] = {}
        for audience in flatten(tenant_hooks(tenant).news_audiences(tenant=tenant)):
            if audience.key in found:
                current_app.logger.warning("news audience %r offered twice; the first one is used", audience.key)
                continue
            found[audience.key] = audience
        cache[tenant.id] = found
    return cache[tenant.id]


def describe(audience: dict[str, Any], offered: dict[str, Audience]) -> str | None:
    """``"Tariff: Basic"`` for an item's audience, ``None`` for everyone."""
    if not audience:
        return None
    spec = offered.get(audience.get("filter", ""))
    value = str(audience.get("value", ""))
    if spec is None:
        return f"{audience.get('filter')}: {value}"
    label = dict((str(v), str(lbl)) for v, lbl in spec.choices).get(value, value)
    return f"{spec.title}: {label}"


def belongs(user: User, audience: dict[str, Any], offered: dict[str, Audience]) -> bool:
    """Whether ``user`` is in ``audience``. A filter no enabled plugin offers any more matches nobody."""
    if not audience:
        return True
    spec = offered.get(audience.get("filter", ""))
    if spec is None:
        return False
    try:
        return bool(spec.includes(user, str(audience.get("value", ""))))
    except Exception:  # a plugin's bug must not break every page that shows news
        current_app.logger.exception("news audience %r failed for user %s", spec.key, user.id)
        return False


class Membership:
    """Whether one reader belongs to the audiences of many items: each plugin is asked once per filter.

    With ``memberships`` the plugin answers once for every value; without it, once per distinct value.
    """

    def __init__(self, user: User, offered: Callable[[], dict[str, Audience]]) -> None:
        self.user = user
        self._offered = offered  # asked only when an item is for an audience (most news is for everyone)
        self._values: dict[str, frozenset[str]] = {}
        self._answers: dict[tuple[str, str], bool] = {}

    @cached_property
    def offered(self) -> dict[str, Audience]:
        return self._offered()

    def includes(self, audience: dict[str, Any]) -> bool:
        """Like :func:`belongs` for this reader, with the plugins' answers remembered."""
        if not audience:
            return True
        key, value = audience.get("filter", ""), str(audience.get("value", ""))
        spec = self.offered.get(key)
        if spec is None:
            return False
        if spec.memberships is not None:
            if key not in self._values:
                self._values[key] = self._memberships(spec)
            return value in self._values[key]
        if (key, value) not in self._answers:
            self._answers[key, value] = belongs(self.user, audience, self.offered)
        return self._answers[key, value]

    def _memberships(self, spec: Audience) -> frozenset[str]:
        try:
            return request_memo(
                ("news.memberships", self.user.id, spec.key),
                lambda: frozenset(str(value) for value in spec.memberships(self.user)),  # type: ignore[misc]
            )
        except Exception:  # a plugin's bug must not break every page that shows news
            current_app.logger.exception("news audience %r failed for user %s", spec.key, self.user.id)
            return frozenset()
