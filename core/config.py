"""Configuration: development defaults, environment overrides, production safety checks."""

from __future__ import annotations

import difflib
import logging
import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 (the value production refuses)
ROOT = Path(__file__).resolve().parent.parent  # the project root (this file is core/config.py)
PREFIX = "MIKHAK_"
# Variables with the app's prefix that are read outside ``defaults()`` (the instance folder; the tests' knobs).
OTHER_VARIABLES = frozenset({"MIKHAK_INSTANCE", "MIKHAK_HYPOTHESIS_EXAMPLES"})
log = logging.getLogger("mikhak.config")


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the development defaults; every key can be overridden from the environment."""
    instance = Path(instance_path)
    return {
        "MIKHAK_ENV": "development",
        "SECRET_KEY": DEV_SECRET_KEY,
        "OTP_HMAC_KEY": "",
        "DATABASE_URL": f"sqlite:///{instance / 'mikhak.db'}",
        "DATABASE_MAX_CONNECTIONS": 20,
        "SCHEMA_DIR": str(ROOT / "schemas"),
        "HOST_LANGUAGES": [],  # languages schema texts may carry besides fa and en, e.g. HOST_LANGUAGES=de,tr
        "UPLOAD_BACKEND": "local",
        "UPLOAD_DIR": str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "UPLOAD_QUOTA_PER_REQUEST_MB": 50,
        "UPLOAD_QUOTA_PER_APPLICANT_MB": 200,
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(instance / "mail"),
        "MAIL_FROM": "Mikhak <no-reply@mikhak.example>",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_TIMEOUT": 10,
        "MAIL_EHLO_HOSTNAME": "",  # name given in EHLO; default: the domain of MAIL_FROM (never a DNS look-up)
        "MAIL_SEND_INLINE": True,
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "FEEDBACK_EMAIL": "feedback@mikhak.example",  # where the footer's "give feedback" link writes to
        "PROXY_FIX": 0,  # number of reverse proxies in front that set X-Forwarded-For/-Proto/-Host (0: none)
        "RATELIMIT_EXEMPT_IPS": [],  # load tests only (bench/bench_signin.py): no per-address limits for these
        "DRAFT_TTL_DAYS": 30,
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_ABSOLUTE_HOURS": 12,
        "BABEL_DEFAULT_LOCALE": "fa",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["fa", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "SIGNING_KEY_DIR": str(instance / "signing"),  # offices' keys and certificates (documents/keys.py)
        "SIGNING_KEY_PASSPHRASE": "",
        "VERIFY_RATE_LIMIT": 30,  # verifications per address in VERIFY_RATE_WINDOW seconds (page, API, upload)
        "VERIFY_RATE_WINDOW": 600,
        "DEMO_STAFF_EMAIL": "admin@mikhak.example",
        "DEMO_STAFF_PASSWORD": "mikhak-demo-admin",
    }


def _coerce(raw: str, default: Any) -> Any:
    """Convert an environment string to the type of the default value."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, list):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def from_environment(values: dict[str, Any], environ: os._Environ | dict = os.environ) -> dict[str, Any]:
    """Override ``values`` with environment variables of the same name; warn about unknown look-alikes."""
    for warning in unknown_variables(values, environ):
        log.warning(warning)
    result = dict(values)
    for key, value in values.items():
        if key in environ:
            try:
                result[key] = _coerce(environ[key], value)
            except ValueError:
                raise RuntimeError(f"environment variable {key}={environ[key]!r} must be a whole number") from None
    return result


def unknown_variables(values: dict[str, Any], environ: os._Environ | dict) -> list[str]:
    """Return a warning for each variable that looks meant for Mikhak but is not a setting.

    That is any ``MIKHAK_`` variable not known, and any variable spelt almost like a setting
    (``MAIL_SERVR``, ``PROXYFIX``): the operator meant something the app would otherwise ignore.
    """
    known = set(values) | OTHER_VARIABLES
    warnings = []
    for name in sorted(environ):
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
        if name.startswith(PREFIX) or close:
            hint = f"; did you mean {close[0]}?" if close else ""
            warnings.append(f"environment variable {name} is not a Mikhak setting and is ignored{hint}")
    return warnings


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run in production with development secrets or debug settings."""
    if config.get("MIKHAK_ENV") != "production":
        return
    problems = []
    if config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY) or len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY is the development key or shorter than 32 characters; set SECRET_KEY "
                        "to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')")
    if config.get("DEBUG"):
        problems.append("DEBUG must be off in production")
    if config.get("RATELIMIT_EXEMPT_IPS"):
        problems.append("RATELIMIT_EXEMPT_IPS is a load-test setting; leave it empty in production")
    if config.get("MAIL_BACKEND") != "smtp":
        problems.append("MAIL_BACKEND must be 'smtp' in production")
    if problems:
        raise RuntimeError("Mikhak refuses to start in production: " + "; ".join(problems))


def finalize(config: dict[str, Any]) -> None:
    """Derive settings that depend on others (secure cookies in production, OTP key)."""
    if config.get("MIKHAK_ENV") == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    if not config.get("OTP_HMAC_KEY"):
        config["OTP_HMAC_KEY"] = config["SECRET_KEY"]
