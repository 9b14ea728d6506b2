"""Logging in through the login form, as a browser would, for tests that follow a session."""
from __future__ import annotations

from ..conftest import PASSWORD
from ..forms import read_form


def log_in(app, email: str, password: str = PASSWORD):
    """A new test client that logged in with ``email`` and ``password`` through the form; fails the test otherwise."""
    client = app.test_client()
    token = dict(read_form(client.get("/login").get_data(as_text=True)))["csrf_token"]
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def csrf(client, url: str = "/invitations") -> str:
    """The CSRF token of a page the client can open."""
    return dict(read_form(client.get(url).get_data(as_text=True)))["csrf_token"]


def logged_in(client) -> bool:
    """True if the client's session still opens a page that needs a login."""
    return client.get("/invitations").status_code == 200
