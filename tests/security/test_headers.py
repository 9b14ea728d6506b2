"""Security headers on every response: a strict CSP, no framing, nosniff, a strict referrer policy, HSTS with secure cookies.

What Chromium does with the policy (nothing blocked, the preview keeps its house style) is in tests/browser/test_csp.py.
"""
from __future__ import annotations

import re

import pytest

from policybuilder import ROOT, create_app


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def assert_secure_headers(response, where):
    csp = directives(response)
    assert csp["default-src"] == "'self'", where
    assert csp["script-src"] == "'self'" and "unsafe" not in csp["script-src"], where
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-inline'" not in csp["default-src"], where
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", where
    assert csp["base-uri"] == "'self'" and csp["form-action"] == "'self'", where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "same-origin", where


@pytest.fixture
def protocol_id(make_protocol):
    return make_protocol(answers={"learning": {"training": "Jaarlijkse vorming voor alle teams."}})


SAMPLE = [
    ("anonymous page", "anon", "GET", "/login"),
    ("redirect to the login", "anon", "GET", "/"),
    ("static file", "anon", "GET", "/static/style.css"),
    ("document stylesheet", "anon", "GET", "/document-assets/document.css"),
    ("health check", "anon", "GET", "/health"),
    ("error page 404", "anon", "GET", "/bestaat-niet"),
    ("error page 405", "anon", "GET", "/logout"),
    ("expired form 400", "anon", "POST", "/login"),
    ("logged-in page", "user", "GET", "/"),
    ("document preview", "user", "GET", "/protocols/{id}/preview"),
    ("Word download", "user", "GET", "/protocols/{id}/download/docx"),
    ("PDF download", "user", "GET", "/protocols/{id}/download/pdf"),
    ("forbidden 403", "user", "GET", "/organisations/999/users"),
]


@pytest.mark.parametrize(("where", "who", "method", "path"), SAMPLE, ids=[s[0] for s in SAMPLE])
def test_every_kind_of_response_carries_the_headers(anon_client, client, protocol_id, where, who, method, path):
    with (anon_client if who == "anon" else client).open(path.format(id=protocol_id), method=method) as response:
        assert response.status_code < 500, (where, response.status_code)
        assert_secure_headers(response, where)
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS means nothing there


def test_the_approve_form_cannot_be_framed(approver_client, submitted):
    with approver_client.get(f"/protocols/{submitted}/versions/1") as response:
        assert response.status_code == 200 and "/approve" in response.get_data(as_text=True)
        assert_secure_headers(response, "approve form")


def test_hsts_only_over_https_with_secure_cookies(tmp_path):
    def app_with(secure: bool):
        return create_app({"TESTING": True, "SECRET_KEY": "x", "SESSION_COOKIE_SECURE": secure,
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.sqlite'}"})

    with app_with(True).test_client().get("/static/style.css", base_url="https://policybuilder.example") as secure:
        assert re.fullmatch(r"max-age=\d{8,}; includeSubDomains", secure.headers["Strict-Transport-Security"])
        assert_secure_headers(secure, "https")
    with app_with(False).test_client().get("/static/style.css", base_url="https://policybuilder.example") as plain:
        assert "Strict-Transport-Security" not in plain.headers
    # Talisman never redirects to HTTPS by itself (a proxy in front does that; `make run` is plain HTTP).
    with app_with(True).test_client().get("/static/style.css") as response:
        assert response.status_code == 200


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_pages_have_no_inline_script_style_or_handlers():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []
