"""Safe defaults; the environment (POLICYBUILDER_*, DATABASE_URL) and tests override them."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask


class Defaults:
    SECRET_KEY = None  # read from the environment or instance/secret_key, see ensure_secret_key
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Cookies only over HTTPS; `make run` (plain HTTP on loopback) and debug mode turn this off.
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Counted per process; with several workers point this at a shared store (e.g. redis://).
    RATELIMIT_STORAGE_URI = "memory://"
    # Said here, not left to Flask-Limiter: its one Limiter keeps the last app's setting as the default.
    RATELIMIT_ENABLED = True
    # Number of reverse proxies in front (POLICYBUILDER_PROXY_FIX=1 behind one nginx); 0 trusts no forwarded header.
    PROXY_FIX = 0


def ensure_secret_key(app: Flask) -> None:
    """Use the configured secret key, else one kept in the instance folder (made once)."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text(encoding="utf-8").strip()
