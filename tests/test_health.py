"""The health endpoint, request ids and the reverse-proxy setting."""
from __future__ import annotations

from flask import request
from flask.logging import default_handler

from policybuilder import create_app
from policybuilder.health import REQUEST_ID_HEADER


def test_health_answers_without_login_or_cookie_on_a_fresh_installation(anon_client):
    response = anon_client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_health_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}"})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_a_plain_request_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/health", headers={REQUEST_ID_HEADER: "proxy-42.abc"})
    assert kept.headers[REQUEST_ID_HEADER] == "proxy-42.abc"
    replaced = client.get("/health", headers={REQUEST_ID_HEADER: "bad id <script>" + "x" * 200})
    fresh = replaced.headers[REQUEST_ID_HEADER]
    assert len(fresh) == 32 and fresh.isalnum()
    assert client.get("/").headers[REQUEST_ID_HEADER] != client.get("/").headers[REQUEST_ID_HEADER]


def test_log_lines_name_the_request_id(app, client, monkeypatch):
    @app.get("/test-log")
    def log_something():
        app.logger.warning("iets gebeurd")
        return "ok"

    lines = []
    monkeypatch.setattr(default_handler, "emit", lambda record: lines.append(default_handler.format(record)))
    monkeypatch.setattr(app.logger, "handlers", [default_handler])  # as under gunicorn (pytest's own handler hides it)
    assert client.get("/test-log", headers={REQUEST_ID_HEADER: "req-7"}).status_code == 200
    assert any("request=req-7" in line and "iets gebeurd" in line for line in lines), lines


def test_proxy_fix_trusts_the_configured_number_of_proxies(tmp_path):
    seen = {}
    for hops in (0, 1):
        app = create_app({"TESTING": True, "SECRET_KEY": "test", "PROXY_FIX": hops,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})

        @app.after_request
        def remember(response, hops=hops):
            seen[hops] = (request.remote_addr, request.scheme)
            return response

        app.test_client().get("/health", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {0: ("127.0.0.1", "http"), 1: ("203.0.113.9", "https")}
