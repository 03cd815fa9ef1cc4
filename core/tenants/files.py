"""Tenants as files: read ``tenants/*.toml``, show a plan (create / update / no change), apply it.

Every file is validated before anything is written; one bad file means nothing is applied.
Applying is idempotent: a second run finds no change.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from core.access.service import ensure_roles
from core.audit.service import record as audit
from core.db import session, tenant_scope
from core.plugins.enablement import (
    PluginSettingsError,
    configure_plugin,
    disable_plugin,
    enable_plugin,
    validate_settings,
)
from core.plugins.models import TenantPlugin
from core.settings.models import TenantSettings
from core.settings.service import save_settings, schema_for
from core.tenants.logo import LOGO_MAX_BYTES, logo_type
from core.tenants.models import Tenant, TenantDomain
from core.tenants.schemas import TenantFileSchema

SCALAR_FIELDS = ("name", "status", "locale", "timezone", "login_identifier", "password_reset")
SECTION_FIELDS = ("branding", "contacts", "legal", "bank")


@dataclass(frozen=True)
class FileProblem:
    """Why a tenant file was refused: the file, the field (dotted path) and the reason."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


@dataclass
class TenantDefinition:
    """A validated tenant file."""

    path: Path
    data: dict[str, Any]
    logo: bytes | None = None
    logo_mime: str | None = None


@dataclass
class PlanItem:
    slug: str
    action: str  # "create", "update" or "no change"
    changes: list[str] = field(default_factory=list)
    definition: TenantDefinition | None = None


class TenantFilesError(ValueError):
    """One or more tenant files are invalid; nothing was applied."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out.extend(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix or "_schema", "; ".join(messages))]
    if isinstance(messages, list):
        return [item for m in messages for item in _flatten(m, prefix)]
    return [(prefix or "_schema", str(messages))]


def load_definitions(folder: Path, shipped: Sequence[Path] = ()) -> list[TenantDefinition]:
    """Read and validate every ``*.toml`` in ``folder``; raise :class:`TenantFilesError` listing every problem.

    ``shipped`` adds files from elsewhere (the demo files plugins ship, ``demo_tenant_files``); a file of
    ``folder`` with the same ``slug`` wins over a shipped one.
    """
    files = sorted(Path(folder).glob("*.toml"))
    problems: list[FileProblem] = []
    definitions: list[TenantDefinition] = []
    if not files and not shipped:
        raise TenantFilesError([FileProblem(str(folder), "-", "no *.toml tenant files here")])
    own_slugs = {_slug_of(path) for path in files}
    files += [Path(path) for path in shipped if _slug_of(Path(path)) not in own_slugs]
    for path in files:
        name = str(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problems.append(FileProblem(name, "-", f"not valid TOML: {error}"))
            continue
        except OSError as error:
            problems.append(FileProblem(name, "-", f"cannot be read: {error.strerror or error}"))
            continue
        try:
            data = TenantFileSchema().load(raw)
        except ValidationError as error:
            problems.extend(FileProblem(name, f, r) for f, r in _flatten(error.messages))
            continue
        definition = TenantDefinition(path, data)
        problems.extend(_check_plugins(name, data))
        problems.extend(_check_settings(name, data))
        problems.extend(_load_logo(definition))
        definitions.append(definition)
    problems.extend(_check_unique(definitions))
    if problems:
        raise TenantFilesError(problems)
    return definitions


def _slug_of(path: Path) -> str | None:
    """The ``slug`` a tenant file names (``None`` when it cannot be read; the full check reports why)."""
    try:
        slug = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("slug")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return slug if isinstance(slug, str) else None


def _check_plugins(name: str, data: dict[str, Any]) -> list[FileProblem]:
    problems = []
    installed = current_app.plugins.infos
    for plugin, entry in data["plugins"].items():
        if plugin not in installed:
            problems.append(FileProblem(name, f"plugins.{plugin}", "no such plugin is installed"))
            continue
        try:
            entry["settings"] = validate_settings(plugin, entry["settings"])
        except PluginSettingsError as error:
            problems.extend(FileProblem(name, f"plugins.{plugin}.settings.{f}", r) for f, r in _flatten(error.messages))
    return problems


def _check_settings(name: str, data: dict[str, Any]) -> list[FileProblem]:
    """``[settings."payments.paykeeper"]`` … : core features' settings, checked by their schemas."""
    problems = []
    for namespace, values in data["settings"].items():
        try:
            schema = schema_for(namespace)
        except KeyError:
            problems.append(FileProblem(name, f"settings.{namespace}", "no such settings namespace"))
            continue
        try:
            data["settings"][namespace] = schema.dump(schema.load(values))
        except ValidationError as error:
            problems.extend(FileProblem(name, f"settings.{namespace}.{f}", r) for f, r in _flatten(error.messages))
    return problems


def _load_logo(definition: TenantDefinition) -> list[FileProblem]:
    logo = definition.data["branding"].get("logo")
    if not logo:
        return []
    path = (definition.path.parent / logo).resolve()
    if not path.is_file():
        return [FileProblem(str(definition.path), "branding.logo", f"file not found: {logo}")]
    data = path.read_bytes()
    mime = logo_type(data)
    if mime is None or len(data) > LOGO_MAX_BYTES:
        return [
            FileProblem(
                str(definition.path), "branding.logo", "must be a PNG, JPEG, WebP or GIF image of 512 KB at most"
            )
        ]
    definition.logo = data
    definition.logo_mime = mime
    return []


def _check_unique(definitions: list[TenantDefinition]) -> list[FileProblem]:
    problems = []
    slugs: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for d in definitions:
        slug = d.data["slug"]
        if slug in slugs:
            problems.append(FileProblem(str(d.path), "slug", f"also used by {slugs[slug]}"))
        slugs[slug] = str(d.path)
        for host in d.data["domains"]:
            if host in hosts:
                problems.append(FileProblem(str(d.path), "domains", f"{host} also used by {hosts[host]}"))
            hosts[host] = str(d.path)
    owners = dict(session.execute(select(TenantDomain.host, Tenant.slug).join(Tenant)).all())
    for d in definitions:
        for host in d.data["domains"]:
            owner = owners.get(host)
            if owner is not None and owner != d.data["slug"]:
                problems.append(FileProblem(str(d.path), "domains", f"{host} belongs to tenant {owner}"))
    return problems


def _current_state(tenant: Tenant) -> dict[str, Any]:
    installed = current_app.plugins.infos
    with tenant_scope(tenant.id):
        stored = {row.namespace: row.values for row in session.scalars(select(TenantSettings))}
        plugins = {
            row.plugin: {"enabled": row.enabled, "settings": stored.get(row.plugin, {})}
            for row in session.scalars(select(TenantPlugin))
        }
    state = {name: getattr(tenant, name) for name in SCALAR_FIELDS + SECTION_FIELDS}
    state["domains"] = sorted(d.host for d in tenant.domains)
    state["logo"] = hashlib.sha256(tenant.logo).hexdigest() if tenant.logo else None
    state["plugins"] = plugins
    # One store: a plugin's settings are the namespace named after it, shown under [plugins.<name>].
    state["settings"] = {namespace: values for namespace, values in stored.items() if namespace not in installed}
    return state


def _desired_state(
    d: TenantDefinition, current_plugins: dict[str, Any], current_settings: dict[str, Any]
) -> dict[str, Any]:
    state = {name: d.data[name] for name in SCALAR_FIELDS + SECTION_FIELDS}
    state["domains"] = sorted(d.data["domains"])
    state["logo"] = hashlib.sha256(d.logo).hexdigest() if d.logo else None
    plugins = {name: dict(entry) for name, entry in current_plugins.items()}
    plugins.update(
        {name: {"enabled": e["enabled"], "settings": e["settings"]} for name, e in d.data["plugins"].items()}
    )
    state["plugins"] = plugins
    state["settings"] = {**current_settings, **d.data["settings"]}
    return state


def plan(definitions: list[TenantDefinition]) -> list[PlanItem]:
    """What applying ``definitions`` would do, tenant by tenant (nothing is written)."""
    items = []
    for d in definitions:
        tenant = session.scalar(select(Tenant).where(Tenant.slug == d.data["slug"]))
        if tenant is None:
            items.append(PlanItem(d.data["slug"], "create", ["new tenant"], d))
            continue
        current = _current_state(tenant)
        desired = _desired_state(d, current["plugins"], current["settings"])
        changes = [key for key in desired if desired[key] != current.get(key)]
        if "plugins" in changes:
            changes.remove("plugins")
            changes += [
                f"plugins.{name}"
                for name in sorted(desired["plugins"])
                if desired["plugins"][name] != current["plugins"].get(name)
            ]
        items.append(PlanItem(d.data["slug"], "update" if changes else "no change", changes, d))
    return items


def apply(items: list[PlanItem]) -> None:
    """Write the plan in the current transaction (the caller commits; any error rolls all of it back)."""
    for item in items:
        if item.action == "no change" or item.definition is None:
            continue
        _apply_one(item.definition, created=item.action == "create")


def _apply_one(d: TenantDefinition, created: bool) -> Tenant:
    data = d.data
    tenant = session.scalar(select(Tenant).where(Tenant.slug == data["slug"]))
    if tenant is None:
        tenant = Tenant(slug=data["slug"])
        session.add(tenant)
    before = None if created else {k: getattr(tenant, k) for k in SCALAR_FIELDS}
    for name in SCALAR_FIELDS + SECTION_FIELDS:
        setattr(tenant, name, data[name])
    tenant.logo, tenant.logo_mime = d.logo, d.logo_mime
    wanted_hosts = set(data["domains"])
    tenant.domains = [dom for dom in tenant.domains if dom.host in wanted_hosts] + [
        TenantDomain(host=host) for host in sorted(wanted_hosts - {dom.host for dom in tenant.domains})
    ]
    session.flush()
    with tenant_scope(tenant.id):
        ensure_roles(tenant, set())
        for plugin, entry in data["plugins"].items():
            if entry["enabled"]:
                enable_plugin(tenant, plugin, entry["settings"])
            else:
                configure_plugin(tenant, plugin, entry["settings"])
                disable_plugin(tenant, plugin)
        for namespace, values in data["settings"].items():
            save_settings(namespace, values)
        audit("tenant.apply", "tenant", tenant.slug, before, {k: getattr(tenant, k) for k in SCALAR_FIELDS})
    return tenant


def tenant_for(definition: TenantDefinition) -> Tenant:
    """The tenant row a definition describes (after it was applied)."""
    tenant = session.scalar(select(Tenant).where(Tenant.slug == definition.data["slug"]))
    if tenant is None:
        raise LookupError(f"tenant {definition.data['slug']} is not applied")
    return tenant
