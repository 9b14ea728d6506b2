"""A live server on loopback, and logged-in sessions that post to it at the same moment."""
from __future__ import annotations

import http.client
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest

from ..forms import read_form
from ..servers import serving


@dataclass
class Response:
    status: int
    location: str
    text: str


class Session:
    """One browser session against the live server: it keeps its session cookie and posts forms with its CSRF token."""

    def __init__(self, base: str, cookie: str):
        parts = urlsplit(base)
        self.host, self.port, self.base, self.cookie = parts.hostname, parts.port, base, cookie
        self._token: str | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        """Send one request on a new connection, as a browser tab would; the session cookie follows the server's changes."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers={"Cookie": f"session={self.cookie}", **(headers or {})})
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for header in answer.headers.get_all("Set-Cookie") or ():
                if match := re.match(r"session=([^;]*)", header):
                    self.cookie = match.group(1)
            return Response(answer.status, answer.getheader("Location") or "", text)
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def token(self) -> str:
        """The session's CSRF token (one per session, valid on every form)."""
        if self._token is None:
            page = self.get("/")
            assert page.status == 200, page.status
            self._token = dict(read_form(page.text))["csrf_token"]
        return self._token

    def form(self, path: str) -> dict:
        """The fields a browser would post from the forms on ``path``."""
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return dict(read_form(page.text))

    def post(self, path: str, fields: dict, referrer: str | None = None, token_field: str = "csrf_token") -> Response:
        """Post ``fields`` with the CSRF token (in ``token_field``) as a form, from the page ``referrer``."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if referrer:
            headers["Referer"] = self.base + referrer
        return self.request("POST", path, urlencode({token_field: self.token(), **fields}).encode(), headers)

    def upload(self, path: str, fields: dict, files: dict[str, tuple[bytes, str]], referrer: str | None = None) -> Response:
        """Post ``fields`` (with the CSRF token) and ``files`` (name → (content, file name)) as multipart/form-data."""
        boundary = "policybuilder-test-boundary"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in {"csrf_token": self.token(), **fields}.items()]
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
                  for name, (content, filename) in files.items()]
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if referrer:
            headers["Referer"] = self.base + referrer
        return self.request("POST", path, b"".join(parts) + f"--{boundary}--\r\n".encode(), headers)


@pytest.fixture
def live_url(app):
    """Serve ``app`` with werkzeug's threaded server on a free loopback port; returns its base URL.

    Failing requests get the application's own 500 page, as in production, instead of a test traceback.
    """
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with serving(app) as url:
        yield url


@pytest.fixture
def session_for(client_for, live_url):
    """Return a callable giving a new Session logged in as the user with ``user_id`` (each call its own session)."""

    def make(user_id: int) -> Session:
        client = client_for(user_id)
        return Session(live_url, client.get_cookie("session").value)

    return make


@pytest.fixture
def at_once():
    """Return a callable that runs ``calls`` in threads released at the same moment; returns their results in order."""

    def run(calls: list) -> list:
        barrier = threading.Barrier(len(calls))
        results: list = [None] * len(calls)

        def worker(index: int, call) -> None:
            barrier.wait()
            try:
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - reported to the test as the result
                results[index] = exc

        threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results

    return run
