"""The production server as `make run` starts it: gunicorn with gunicorn.conf.py."""
from __future__ import annotations

import http.client
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def settings(monkeypatch, **env) -> dict:
    """gunicorn.conf.py's settings as gunicorn reads them, under ``env``."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_by_default_one_worker_per_core_serves_one_request_at_a_time(monkeypatch):
    config = settings(monkeypatch)
    assert (config["workers"], config["threads"], config["worker_class"]) == (os.cpu_count(), 1, "sync")


def test_threads_from_the_environment_make_threaded_workers(monkeypatch):
    config = settings(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4")
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> http.client.HTTPResponse:
    """GET ``path`` on a connection of its own; the response, read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn as `make run` does (2 workers) on a fresh instance; yields its port; stops it."""
    env = {**os.environ, "POLICYBUILDER_INSTANCE": str(tmp_path), "WEB_CONCURRENCY": "2", "PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    env.pop("GUNICORN_THREADS", None)
    subprocess.run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=log, stderr=log, start_new_session=True)
    port = int(env["PORT"])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/health").status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def test_the_server_answers_many_people_at_once_without_an_error(gunicorn):
    """40 requests from 8 people at once, each on a connection of its own: every one answered, none failed."""
    answers: list[int] = []
    lock = threading.Lock()

    def person():
        for _ in range(5):
            status = get(gunicorn, "/health").status
            with lock:
                answers.append(status)

    people = [threading.Thread(target=person) for _ in range(8)]
    for thread in people:
        thread.start()
    for thread in people:
        thread.join()
    assert answers == [200] * 40
    page = get(gunicorn, "/login")  # a fresh installation leads every page to its setup
    assert (page.status, page.getheader("Location")) == (302, "/setup")
