"""PDFs are rendered off the request path: the 202 page, one render per document, renders ahead, RQ, the cache bound."""
from __future__ import annotations

import html as htmllib
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from policybuilder import create_app
from policybuilder.documents import jobs
from policybuilder.documents.cache import KEEP, evict, store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(app):
    """The app as in production: a download answers at once, never waiting for the render."""
    app.config["RENDER_WAIT"] = 0
    return app


def wait_ready(client, url: str, seconds: float = 120) -> None:
    """Poll the download's status (``url`` from the waiting page, or the plain download) until the file is ready."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = client.get(f"{url}&status" if "?" in url else f"{url}?status")
        assert answer.status_code in (200, 202), answer.get_data(as_text=True)
        if answer.json["status"] == "ready":
            return
        time.sleep(0.2)
    pytest.fail(f"{url} not ready after {seconds} s")


def renders_queued(caplog) -> int:
    return sum(1 for record in caplog.records if record.getMessage().startswith("render ") and " queued" in record.getMessage())


def test_a_missing_pdf_answers_the_waiting_page_then_the_file(queued, client, submitted):
    url = f"/protocols/{submitted}/versions/1/download/pdf"
    started = time.perf_counter()
    page = client.get(url)
    assert time.perf_counter() - started < 1  # no user waits for WeasyPrint
    assert page.status_code == 202 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Je document wordt gemaakt …" in html
    again = htmllib.unescape(re.search(r'<a class="button primary" href="([^"]+)">Opnieuw proberen</a>', html)[1])  # without JavaScript
    assert again.startswith(f"{url}?v=") and again.endswith("&lang=nl")
    assert 'src="/static/' in html and "render-wait" in html and "<script>" not in html  # strict CSP: no inline script
    escaped = htmllib.escape(again)
    assert f'data-status-url="{escaped}&amp;status"' in html and f'data-file-url="{escaped}"' in html
    wait_ready(client, again)
    download = client.get(url)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == "attachment; filename=protocol-vzw-de-linde-v1.pdf"
    assert "Jaarlijkse vorming voor alle teams." in "".join(page.extract_text() for page in PdfReader(BytesIO(download.data)).pages)


def test_the_waiting_page_delivers_the_draft_it_was_asked_for_even_when_saved_meanwhile(queued, client, submitted, submit):
    url = f"/protocols/{submitted}/download/pdf"
    again = htmllib.unescape(re.search(r'href="([^"]+)">Opnieuw proberen', client.get(url).get_data(as_text=True))[1])
    assert submit(f"/protocols/{submitted}/steps/learning", {"training": "Nieuwe vorming."}).status_code == 302
    wait_ready(client, again)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(client.get(again).data)).pages)
    assert "Jaarlijkse vorming voor alle teams." in text and "Nieuwe vorming." not in text
    assert client.get(f"{url}?v=forged").status_code == 202  # a broken signature: the current draft is made


def test_word_files_are_made_at_once(queued, client, submitted):
    answer = client.get(f"/protocols/{submitted}/versions/1/download/docx")
    assert answer.status_code == 200 and answer.data.startswith(b"PK")


def test_five_simultaneous_downloads_start_one_render(queued, client_for, drafter, submitted, caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="policybuilder.documents.jobs")
    # a second app on the same cache folder stands for a second gunicorn worker process
    other = create_app({**{k: queued.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "DOCUMENT_CACHE_DIR")},
                        "RENDER_WAIT": 0, "RENDER_AHEAD": False})
    clients = [client_for(drafter) for _ in range(3)] + [logged_in(other, drafter) for _ in range(2)]
    url = f"/protocols/{submitted}/versions/1/card/nl/pdf"
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda browser: browser.get(url), clients))
    assert [a.status_code for a in answers] == [202] * 5
    wait_ready(clients[0], url)
    assert renders_queued(caplog) == 1
    files = [c.get(url) for c in clients]
    assert {f.status_code for f in files} == {200} and len({f.data for f in files}) == 1
    assert renders_queued(caplog) == 1
    other_db(other)


def logged_in(app, user_id: int):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user_id), True
    return browser


def other_db(app) -> None:
    from policybuilder.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_another_organisations_status_is_404(queued, client, make_org, make_protocol):
    other = make_protocol(name="vzw Elders", organisation_id=make_org("vzw Elders"))
    for url in (f"/protocols/{other}/download/pdf?status", f"/protocols/{other}/card/nl/pdf?status"):
        assert client.get(url).status_code == 404


def test_saves_submits_and_approvals_render_ahead(queued, client, submitted, decide, submit):
    queued.config.update(RENDER_AHEAD=True, RENDER_AHEAD_DELAY=0.2)
    answer = submit(f"/protocols/{submitted}/steps/learning", {"training": "Vorming voor elk team, elk jaar."})
    assert answer.status_code == 302
    assert decide(submitted, 1).status_code == 302
    cache = Path(queued.config["DOCUMENT_CACHE_DIR"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cache.rglob("*.pdf"))) < 4:  # draft and version 1: protocol and card
        time.sleep(0.2)
    for url in (f"/protocols/{submitted}/download/pdf", f"/protocols/{submitted}/versions/1/download/pdf",
                f"/protocols/{submitted}/card/nl/pdf"):
        started = time.perf_counter()
        answer = client.get(url)
        assert answer.status_code == 200 and answer.data.startswith(b"%PDF"), url
        assert time.perf_counter() - started < 0.5, url  # a cache hit
    assert len(list((cache / KEEP).rglob("*.pdf"))) == 2  # the approved version's protocol and card are kept


def test_a_draft_is_rendered_ahead_as_it_is_after_its_last_save_and_the_saves_do_not_wait_for_it(
        queued, client, submitted, submit, caplog, monkeypatch):
    queued.config.update(RENDER_AHEAD=True, RENDER_AHEAD_DELAY=2)  # room for both saves, even on a busy machine
    built = []
    real = jobs.PARTS["card"]
    monkeypatch.setitem(jobs.PARTS, "card", lambda *args: built.append(1) or real(*args))
    caplog.set_level(logging.INFO, logger="policybuilder.documents.jobs")
    url = f"/protocols/{submitted}/steps/learning"
    for training in ("Eerste versie van de vorming.", "Tweede versie van de vorming."):
        assert submit(url, {"training": training}).status_code == 302
    assert built == []  # a save computes no staff card: the timer does, later
    cache = Path(queued.config["DOCUMENT_CACHE_DIR"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cache.glob("*/*.pdf"))) < 2:  # the draft's protocol and card
        time.sleep(0.2)
    answer = client.get(f"/protocols/{submitted}/download/pdf")
    assert answer.status_code == 200  # the second save's draft, from the cache
    assert "Tweede versie van de vorming." in "".join(page.extract_text() for page in PdfReader(BytesIO(answer.data)).pages)
    assert [r.getMessage().split(" (")[1] for r in caplog.records if r.getMessage().startswith("render ") and " queued" in r.getMessage()] \
        == ["protocol pdf)", "card pdf)"]  # the first save's wait was replaced: nothing rendered for it


def test_eviction_removes_least_recently_used_drafts_and_keeps_approved_files(tmp_path):
    store(tmp_path, "aa" + "0" * 62, "pdf", b"x" * 400, keep=True, max_bytes=None)
    for name in ("b1", "b2", "b3"):
        store(tmp_path, name + "0" * 62, "pdf", b"x" * 300, keep=False, max_bytes=None)
        time.sleep(0.01)
    os.utime(tmp_path / "b1" / ("b1" + "0" * 62 + ".pdf"))  # b1 was just downloaded again
    assert [p.name[:2] for p in evict(tmp_path, 900)] == ["b2", "b3"]  # 1,300 bytes in all: the two oldest drafts go
    assert [p.name[:2] for p in tmp_path.glob("b*/*.pdf")] == ["b1"]
    assert evict(tmp_path, 10) and (tmp_path / KEEP / "aa" / ("aa" + "0" * 62 + ".pdf")).exists()  # over the bound, still kept


@pytest.fixture
def redis_port(tmp_path):
    """A throwaway redis-server on a free loopback port (make test installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=20)


def test_the_queue_and_the_local_pool_make_identical_files(queued, client, drafter, submitted, redis_port, tmp_path):
    url = f"/protocols/{submitted}/versions/1/download/pdf"
    assert client.get(url).status_code == 202
    wait_ready(client, url)
    local = client.get(url).data
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    rq_app = create_app({**{k: queued.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
                         "DOCUMENT_CACHE_DIR": str(tmp_path / "rq-cache"), "REDIS_URL": redis_url, "RENDER_AHEAD": False})
    browser = logged_in(rq_app, drafter)
    assert browser.get(url).status_code == 202
    assert browser.get(f"{url}?status").json["status"] == "pending"
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "POLICYBUILDER_REDIS_URL": redis_url, "POLICYBUILDER_SECRET_KEY": "test",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite'}"},
    )
    assert worker.returncode == 0, worker.stderr
    assert browser.get(f"{url}?status").json["status"] == "ready"
    queued_file = browser.get(url)
    assert queued_file.status_code == 200 and queued_file.data == local
    other_db(rq_app)


def test_flask_worker_without_redis_says_what_to_set(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 2 and "POLICYBUILDER_REDIS_URL" in result.output


def _render_process_state() -> tuple[int, bool]:
    return os.sched_getscheduler(0), "weasyprint" in sys.modules


def test_render_processes_start_with_the_worker_at_idle_priority_with_the_renderer_loaded(app):
    backend = app.extensions["policybuilder.render"]
    backend.start()  # what gunicorn's post_fork does in each web worker
    policy, loaded = backend._executor().submit(_render_process_state).result(timeout=120)
    assert policy == os.SCHED_IDLE  # only the CPU the web workers leave
    assert loaded  # the first document does not wait for WeasyPrint to load
