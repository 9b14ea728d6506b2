"""Security headers on every response (pages, downloads, static files, error pages) with Flask-Talisman."""
from __future__ import annotations

from flask import Flask

from .extensions import talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # The document preview sets the house style's colours and font as CSS variables on its <article>;
    # style attributes can run no script. Everything else keeps its styles in files.
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",  # logos are embedded in the preview as data: URIs
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask) -> None:
    """Bind Talisman: strict CSP, no framing, nosniff, same-origin referrer; HSTS only with secure cookies.

    It never redirects to HTTPS itself (a proxy in front does that) and leaves the cookie settings of the config alone.
    """
    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    talisman.init_app(
        app,
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
        # same-origin, not no-referrer: Flask-WTF checks the Referer of forms posted over HTTPS.
        referrer_policy="same-origin",
        strict_transport_security=secure,
        session_cookie_secure=secure,
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
