"""With Redis configured, login attempts are counted once for all worker processes, not per process."""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from policybuilder import create_app

from .forms import read_form


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throwaway Redis on a unix socket in a temporary folder (make test installs redis-server)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    folder = tmp_path_factory.mktemp("redis")
    socket = folder / "redis.sock"
    server = subprocess.Popen([binary, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"redis+unix://{socket}"
    server.terminate()
    server.wait(timeout=20)


def worker(database_url: str, storage: str):
    """A new app with its own rate-limit storage, as a new gunicorn worker process has."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url,
                       "RATELIMIT_STORAGE_URI": storage})


def failed_logins(app, count: int) -> list[int]:
    client = app.test_client()
    fields = dict(read_form(client.get("/login").get_data(as_text=True)))
    return [client.post("/login", data={**fields, "email": "niemand@delinde.be", "password": "fout wachtwoord!"}).status_code
            for _ in range(count)]


def test_with_redis_a_new_worker_sees_the_attempts_of_another(app, drafter, redis_url):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert 429 not in failed_logins(worker(url, redis_url), 10)
    assert failed_logins(worker(url, redis_url), 1) == [429]


def test_without_redis_each_worker_counts_on_its_own(app, drafter):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = worker(url, "memory://")
    assert 429 not in failed_logins(first, 10)
    assert failed_logins(first, 1) == [429]
    assert failed_logins(worker(url, "memory://"), 1) != [429]
