"""Load benchmark: 20 drafters who open a wizard step and save it back, on the server `make run` starts.

Run with `make bench-load` (.venv/bin/python bench/load.py). Not part of `make test`.
It makes a temporary instance (SQLite, the embedded default), seeds one organisation with 20
drafters, each with their own protocol (examples/full.json), starts gunicorn with gunicorn.conf.py
on a free loopback port, and drives the drafters for a bounded time; then again with 5 people
downloading PDFs of protocols being edited. `--server flask` measures Flask's development server instead.
`--only ready` runs only the "ready file" measurement: 5 drafters who each edit a step, think longer than the
render-ahead delay, then download their draft's PDF (target: 95 % of the downloads from a ready file in < 50 ms).
Every request goes to 127.0.0.1 only; every loop stops at its deadline.
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from tests.forms import read_form  # noqa: E402  (reads a page's form as a browser submits it)

BIN = Path(sys.executable).parent
PASSWORD = "een lang genoeg wachtwoord"
STEPS = ("procedure", "contacts", "external_support", "communication", "reactions", "recovery", "monitoring", "learning")
TARGET_P95_MS = 150
TARGET_RATIO = 1.3
TARGET_READY_MS, TARGET_READY_SHARE = 50, 95
RENDER_AHEAD_DELAY = 10  # seconds after the last save (policybuilder/documents/jobs.py; POLICYBUILDER_RENDER_AHEAD_DELAY)


class Browser:
    """One person's keep-alive connection with a cookie jar."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def log_in(self, email: str) -> None:
        status, page = self.request("GET", "/login")
        fields = [(k, v) for k, v in read_form(page.decode()) if k not in ("email", "password")]
        status, _ = self.request("POST", "/login", [*fields, ("email", email), ("password", PASSWORD)])
        if status != 302:
            raise SystemExit(f"log-in of {email} failed with HTTP {status}")


def step_form(page: bytes) -> list[tuple[str, str]]:
    """What a browser posts from the step form; parsed in C (lxml), so that the generator's share of the 2 cores
    stays small beside the server's (tests.forms.read_form, in Python, costs 2-7 ms a page)."""
    form = lxml.html.document_fromstring(page).get_element_by_id("step-form")
    textareas = {area.name for area in form.iter("textarea")}
    # Browsers drop the single newline that follows <textarea>; libxml2 keeps it.
    return [(name, value[1:] if name in textareas and value.startswith("\n") else value) for name, value in form.form_values()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(env: dict, drafters: int) -> list[tuple[str, int]]:
    """Make the database and one organisation with ``drafters`` drafters, each with a protocol; returns (email, protocol id)."""
    subprocess.run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    script = f"""
import json
from policybuilder import create_app
from policybuilder.extensions import db
from policybuilder.models import Membership, Organisation, Protocol, User
answers = json.load(open("examples/full.json", encoding="utf-8"))
app = create_app()
with app.app_context():
    organisation = Organisation(name="VZW Belasting", sector="youth_care")
    db.session.add(organisation)
    db.session.flush()
    made = []
    for number in range({drafters}):
        user = User(email=f"drafter{{number}}@bench.test", name=f"Drafter {{number}}")
        user.set_password({PASSWORD!r})
        user.memberships = [Membership(organisation_id=organisation.id, role="drafter")]
        protocol = Protocol(organisation_id=organisation.id, answers=answers, saved_steps=[])
        db.session.add_all([user, protocol])
        db.session.flush()
        made.append((user.email, protocol.id))
    db.session.commit()
    print(json.dumps(made))
"""
    output = subprocess.run([BIN / "python", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return [tuple(pair) for pair in json.loads(output.strip().splitlines()[-1])]


def start_server(kind: str, env: dict, port: int, log) -> subprocess.Popen:
    """Start the server as `make run` does (gunicorn) or `make dev` without reloader (flask); wait for /health."""
    if kind == "gunicorn":
        command = [BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    else:
        command = [BIN / "flask", "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env={**env, "PORT": str(port)}, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("the server did not answer /health within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the server this script started (its own process group) and wait for it."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, None)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            pass  # already gone
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) used so far by process group ``group`` (the server): its live processes and the
    children they reaped (a worker that gunicorn replaced, a render process that ended)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            total += sum(int(field) for field in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


class Recorder:
    """Latencies (ms) and errors per request kind, of the requests that finish inside the measuring window."""

    def __init__(self, start: float, end: float):
        self.start, self.end = start, end
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def timed(self, kind: str, call, ok) -> bytes | None:
        began = time.monotonic()
        try:
            status, body = call()
            problem = None if ok(status) else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            status, body, problem = 0, None, type(exc).__name__
            time.sleep(0.2)  # no storm of retries at a server that is down
        finished = time.monotonic()
        if self.start <= finished <= self.end:  # finished in the window (a long PDF may have begun before it)
            with self.lock:
                self.times[kind].append((finished - began) * 1000)
                if problem:
                    self.errors[kind].append(problem)
        return body if problem is None else None


def drafter_loop(browser: Browser, protocol_id: int, recorder: Recorder, offset: int, preview: bool) -> None:
    """Open a step (and its live preview, as the page's script does on a wide screen), change one answer, save it;
    the next step; until the end of the window."""
    round_number = offset
    while time.monotonic() < recorder.end:
        step = STEPS[round_number % len(STEPS)]
        url = f"/protocols/{protocol_id}/steps/{step}"
        page = recorder.timed("GET step", lambda: browser.request("GET", url), lambda s: s == 200)
        round_number += 1
        if page is None:
            continue
        if preview:
            recorder.timed("GET preview", lambda: browser.request("GET", f"{url}/preview"), lambda s: s == 200)
        fields = step_form(page)
        if step == "learning":  # a real change, so that the protocol's documents change too
            fields = [(k, f"Vorming ronde {round_number}." if k == "training" else v) for k, v in fields]
        recorder.timed("POST step", lambda: browser.request("POST", url, [*fields, ("nav", "stay")]), lambda s: s in (302, 303))


def fetch_pdf(browser: Browser, url: str, until: float) -> tuple[int, bytes, bool]:
    """Download a PDF as the page does: a 202 (being made) is polled at ``?status`` every second (render-wait.js)
    until ready, then fetched;
    the status, the body, and whether the first answer was the file itself (served from a ready file)."""
    status, data = browser.request("GET", url)
    if status != 202:
        return status, data, status == 200
    waiting = html.unescape(re.search(r'data-file-url="([^"]+)"', data.decode())[1])  # the key the page waits for
    while status == 202 and time.monotonic() < until:
        time.sleep(1)
        status, data = browser.request("GET", waiting + "&status")
    status, data = browser.request("GET", waiting) if status == 200 else (status, data)
    return status, data, False


def download_loop(browser: Browser, protocol_id: int, recorder: Recorder) -> None:
    """Download the PDF of a protocol being edited, again and again; the time counted is the time until the file is there."""
    url = f"/protocols/{protocol_id}/download/pdf"
    while time.monotonic() < recorder.end:
        recorder.timed("PDF download", lambda: fetch_pdf(browser, url, recorder.end + 120)[:2], lambda s: s == 200)


def editing_session(browser: Browser, protocol_id: int, recorder: Recorder, think: float, ready: list[bool]) -> None:
    """Edit a step (a real change, POST), think ``think`` s (+-20 %), download the draft's PDF; again until the end."""
    url, pdf = f"/protocols/{protocol_id}/steps/learning", f"/protocols/{protocol_id}/download/pdf"
    time.sleep(random.uniform(0, think))  # the drafters do not all start at once
    browser.connection.close()  # idle longer than the server's keep-alive: a browser opens a new connection
    while time.monotonic() < recorder.end:
        page = recorder.timed("GET step", lambda: browser.request("GET", url), lambda s: s == 200)
        if page is None:
            continue
        fields = [(k, f"Vorming {time.time():.3f}." if k == "training" else v) for k, v in step_form(page)]
        recorder.timed("POST step", lambda: browser.request("POST", url, [*fields, ("nav", "stay")]), lambda s: s in (302, 303))
        time.sleep(random.uniform(0.8, 1.2) * think)
        browser.connection.close()
        began, first = time.monotonic(), []

        def fetch() -> tuple[int, bytes]:
            status, data, served = fetch_pdf(browser, pdf, recorder.end + 120)
            first.append(served)
            return status, data

        recorder.timed("PDF download", fetch, lambda s: s == 200)
        if recorder.start <= time.monotonic() <= recorder.end and first:
            ready.append(first[0] and (time.monotonic() - began) * 1000 < TARGET_READY_MS)


def run_ready(port: int, people: list[tuple[str, int]], seconds: float, warmup: float, think: float, server: int) -> None:
    """The scripted editing session for each of ``people``; prints the share of downloads from a ready file beside the target."""
    browsers = [(logged_in(port, email), pid) for email, pid in people]
    start = time.monotonic() + warmup
    recorder, ready = Recorder(start, start + seconds), []
    measured([threading.Thread(target=editing_session, args=(browser, pid, recorder, think, ready)) for browser, pid in browsers],
             recorder, server)
    report(f"{len(people)} drafters: edit a step, think {think:.0f} s (+-20 %), download the draft's PDF", recorder, seconds)
    share = 100 * sum(ready) / len(ready) if ready else float("nan")
    verdict = "ok" if ready and share >= TARGET_READY_SHARE else "MISSED"
    print(f"downloads served from a ready file in < {TARGET_READY_MS} ms: {sum(ready)} of {len(ready)} = {share:.0f} %   "
          f"target {TARGET_READY_SHARE} % < {TARGET_READY_MS} ms: {verdict}")


def logged_in(port: int, email: str) -> Browser:
    browser = Browser(port)
    browser.log_in(email)
    return browser


def run_variant(port: int, people: list[tuple[str, int]], seconds: float, warmup: float, downloads: int, server: int,
                preview: bool) -> Recorder:
    """Everyone logs in first; then the drafters (and downloaders) run, measured after the warm-up."""
    drafters = [(logged_in(port, email), pid) for email, pid in people]
    downloaders = [(logged_in(port, email), pid) for email, pid in people[:downloads]]
    start = time.monotonic() + warmup
    recorder = Recorder(start, start + seconds)
    threads = [threading.Thread(target=drafter_loop, args=(browser, pid, recorder, n, preview)) for n, (browser, pid) in enumerate(drafters)]
    threads += [threading.Thread(target=download_loop, args=(browser, pid, recorder)) for browser, pid in downloaders]
    measured(threads, recorder, server)
    return recorder


def measured(threads: list[threading.Thread], recorder: Recorder, server: int) -> None:
    """Run ``threads`` to their deadline, counting the server's CPU between the end of the warm-up and the deadline."""
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, recorder.start - time.monotonic()))
    cpu = group_cpu_seconds(server)
    time.sleep(max(0.0, recorder.end - time.monotonic()))
    recorder.server_cpu = group_cpu_seconds(server) - cpu
    for thread in threads:
        thread.join()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))] if ordered else float("nan")


def report(title: str, recorder: Recorder, seconds: float) -> dict[str, float]:
    """Print one line per request kind beside its target; returns the p95 per kind."""
    print(f"\n{title}")
    print(f"{'request':<14}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}   target")
    p95s = {}
    for kind in ("GET step", "GET preview", "POST step", "PDF download"):
        values = recorder.times.get(kind)
        if not values:
            continue
        p95s[kind] = percentile(values, 0.95)
        errors = len(recorder.errors.get(kind, []))
        target = ""
        if kind in ("GET step", "POST step"):
            verdict = "ok" if p95s[kind] < TARGET_P95_MS and not errors else "MISSED"
            target = f"p95 < {TARGET_P95_MS} ms, 0 errors: {verdict}"
        print(f"{kind:<14}{len(values):>7}{len(values) / seconds:>8.1f}{percentile(values, 0.5):>9.0f}{p95s[kind]:>9.0f}"
              f"{percentile(values, 0.99):>9.0f}{errors:>8}   {target}")
        if errors:
            print(f"{'':<14}errors: {', '.join(sorted(set(recorder.errors[kind])))}")
    total = sum(len(v) for v in recorder.times.values())
    print(f"{'all':<14}{total:>7}{total / seconds:>8.1f}   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rounds = len(recorder.times.get("POST step", []))
    print(f"server CPU: {recorder.server_cpu / seconds:.2f} of {os.cpu_count()} cores"
          f"{f', {1000 * recorder.server_cpu / total:.1f} ms a request' if total else ''}"
          f"{f', {1000 * recorder.server_cpu / rounds:.1f} ms a drafter round (open, save)' if rounds else ''}"
          " (what the server got, whatever else runs)")
    return p95s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("gunicorn", "flask"), default="gunicorn")
    parser.add_argument("--seconds", type=float, default=60, help="measuring window per variant")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--drafters", type=int, default=20)
    parser.add_argument("--downloads", type=int, default=5, help="downloaders in the second variant (0: no second variant)")
    parser.add_argument("--only", choices=("drafters", "ready"), help="run only the drafters' variants or only the ready-file session")
    parser.add_argument("--ready-drafters", type=int, default=5, help="drafters in the ready-file session")
    parser.add_argument("--think", type=float, help="thinking time in the ready-file session (default: the render-ahead delay + 10 s)")
    parser.add_argument("--no-preview", dest="preview", action="store_false",
                        help="drafters do not load the step's live preview (a narrow screen, or no JavaScript)")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="policybuilder-load-"))
    env = {**os.environ, "POLICYBUILDER_INSTANCE": str(instance), "POLICYBUILDER_SESSION_COOKIE_SECURE": "false",
           "POLICYBUILDER_REMEMBER_COOKIE_SECURE": "false", "POLICYBUILDER_RATELIMIT_ENABLED": "false"}
    env.pop("DATABASE_URL", None)
    port = free_port()
    with open(instance / "server.log", "wb") as log:
        people = seed(env, args.drafters)
        server = start_server(args.server, env, port, log)
        try:
            print(f"{args.server} on 127.0.0.1:{port}, {os.cpu_count()} cores, {args.drafters} drafters{'' if args.preview else ' (no preview)'}, "
                  f"{args.seconds:.0f} s per variant after {args.warmup:.0f} s warm-up; instance {instance}")
            alone, busy, alone_errors, busy_errors = {}, {}, False, False
            if args.only != "ready":
                first = run_variant(port, people, args.seconds, args.warmup, 0, server.pid, args.preview)
                alone, alone_errors = report("drafters alone", first, args.seconds), any(first.errors.values())
                if args.downloads:
                    second = run_variant(port, people, args.seconds, args.warmup, args.downloads, server.pid, args.preview)
                    busy = report(f"drafters with {args.downloads} PDF downloads at the same time", second, args.seconds)
                    busy_errors = any(second.errors.values())
            if args.only != "drafters":
                delay = float(env.get("POLICYBUILDER_RENDER_AHEAD_DELAY", RENDER_AHEAD_DELAY))
                run_ready(port, people[:args.ready_drafters], args.seconds, args.warmup, args.think or delay + 10, server.pid)
        finally:
            if server.poll() is not None:
                print(f"the server stopped by itself (exit code {server.returncode})")
            stop_server(server)
    print()
    for kind in ("GET step", "POST step"):
        if kind in alone and kind in busy:
            ratio = busy[kind] / alone[kind]
            verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
            print(f"{kind} p95 with downloads / without: {ratio:.2f}x   target <= {TARGET_RATIO}x: {verdict}")
    if any(recorder_errors for recorder_errors in (alone_errors, busy_errors)):
        print(f"the server's log is kept in {instance / 'server.log'}")
    else:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
