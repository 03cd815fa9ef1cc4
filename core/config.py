"""Configuration from the environment (``ABONENT_*``), with safe demo defaults.

A production config (``ABONENT_ENV=production``) refuses to start without a real secret key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEMO_SECRET = "abonent-demo-secret-not-for-production"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def load_config(overrides: dict[str, Any] | None = None, instance_path: str | None = None) -> dict[str, Any]:
    """Read ``ABONENT_*`` variables into a Flask config mapping and check it is safe to run."""
    env = os.environ
    instance = Path(instance_path or env.get("ABONENT_INSTANCE_PATH", "instance")).resolve()
    mode = env.get("ABONENT_ENV", "development")
    config: dict[str, Any] = {
        "ABONENT_ENV": mode,
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": env.get("ABONENT_SECRET_KEY", DEMO_SECRET),
        "DATABASE_URL": env.get("ABONENT_DATABASE_URL", f"sqlite:///{instance / 'abonent.db'}"),
        "SMTP_URL": env.get("ABONENT_SMTP_URL", ""),
        "MAIL_FROM": env.get("ABONENT_MAIL_FROM", "Abonent <no-reply@abonent.localhost>"),
        "BASE_DOMAIN": env.get("ABONENT_BASE_DOMAIN", "localhost"),
        "PLATFORM_HOSTS": _csv(env.get("ABONENT_PLATFORM_HOSTS", "127.0.0.1,localhost,[::1]")),
        "BASE_URL": env.get("ABONENT_BASE_URL", "http://localhost:5000"),
        "PASSWORD_RESET_TTL_MINUTES": int(env.get("ABONENT_PASSWORD_RESET_TTL_MINUTES", "60")),
        "SESSION_TTL_HOURS": int(env.get("ABONENT_SESSION_TTL_HOURS", "12")),
        "API_TOKEN_TTL_DAYS": int(env.get("ABONENT_API_TOKEN_TTL_DAYS", "90")),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(env.get("ABONENT_LOGIN_MAX_FAILURES_PER_ACCOUNT", "5")),
        "LOGIN_MAX_FAILURES_PER_IP": int(env.get("ABONENT_LOGIN_MAX_FAILURES_PER_IP", "30")),
        "LOGIN_LOCK_MINUTES": int(env.get("ABONENT_LOGIN_LOCK_MINUTES", "15")),
        # argon2id cost per password hash: OWASP's m=19 MiB, t=2, p=1 (see core.identity.passwords.Argon2Parameters).
        "ARGON2_MEMORY_KIB": int(env.get("ABONENT_ARGON2_MEMORY_KIB", str(19 * 1024))),
        "ARGON2_TIME_COST": int(env.get("ABONENT_ARGON2_TIME_COST", "2")),
        "ARGON2_PARALLELISM": int(env.get("ABONENT_ARGON2_PARALLELISM", "1")),
        "TRUSTED_PROXIES": int(env.get("ABONENT_TRUSTED_PROXIES", "0")),
        "DATABASE_POOLER": env.get("ABONENT_DATABASE_POOLER", ""),
        "ANONYMOUS_POST_LIMIT": env.get("ABONENT_ANONYMOUS_POST_LIMIT", "60 per minute"),
        "REDIS_URL": env.get("ABONENT_REDIS_URL", ""),
        "FILE_STORAGE": env.get("ABONENT_FILE_STORAGE", ""),
        "S3_ENDPOINT_URL": env.get("ABONENT_S3_ENDPOINT_URL", ""),
        "METRICS_TOKEN": env.get("ABONENT_METRICS_TOKEN", ""),
        "LOG_FORMAT": env.get("ABONENT_LOG_FORMAT", ""),
        "BABEL_DEFAULT_LOCALE": "ru",
        "LANGUAGES": ["ru", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": mode == "production",
        "SESSION_COOKIE_NAME": "abonent_session",
        "REMEMBER_COOKIE_DURATION": 0,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "API_TITLE": "Abonent API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
    if overrides:
        config.update(overrides)
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    check_config(config)
    base_host = urlsplit(config["BASE_URL"]).hostname
    if base_host and base_host not in config["PLATFORM_HOSTS"]:
        config["PLATFORM_HOSTS"] = [*config["PLATFORM_HOSTS"], base_host]
    return config


def check_config(config: dict[str, Any]) -> None:
    """Refuse an unusable base address, and unsafe production settings."""
    base = urlsplit(config.get("BASE_URL") or "")
    if base.scheme not in ("http", "https") or not base.hostname:
        raise ConfigError("ABONENT_BASE_URL must be the platform's public address, like https://abonent.example")
    if config["ABONENT_ENV"] != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEMO_SECRET or len(secret) < 32:
        raise ConfigError("ABONENT_SECRET_KEY must be set to a random value of at least 32 characters in production")
