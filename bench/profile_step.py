"""Profile one GET and one POST of a wizard step in-process (test client, examples/full.json).

`.venv/bin/python bench/profile_step.py [--step contacts | --all-steps] [--rounds 20] [--profile]`: prints the mean CPU
time of a GET and a POST of the step (with --all-steps: of every step, then the mean over all of them), the SQL
statements each sends, and with --profile the top of cProfile's list.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from bench.seed import EMAIL, PASSWORD, drafter_app  # noqa: E402
from policybuilder.extensions import db  # noqa: E402
from policybuilder.schema_store import get_schema  # noqa: E402
from tests.forms import read_form  # noqa: E402


def make_app(instance: Path):
    """An app on a fresh SQLite file with one drafter and one protocol filled with examples/full.json."""
    answers = json.loads((ROOT / "examples/full.json").read_text(encoding="utf-8"))
    app, _user, protocol_id = drafter_app(instance, answers, RENDER_AHEAD=False, SESSION_COOKIE_SECURE=False,
                                          RATELIMIT_ENABLED=False)
    return app, protocol_id


def login(app):
    """A test client signed in as the bench's drafter."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    fields = [(k, v) for k, v in read_form(page) if k not in ("email", "password")]
    assert client.post("/login", data=MultiDict([*fields, ("email", EMAIL), ("password", PASSWORD)])).status_code == 302
    return client


def measure(client, url: str, rounds: int, statements: list[str], profile: bool, sql: bool) -> dict[str, float]:
    """Mean CPU milliseconds of a GET and of a POST of the step at ``url``; prints each line as it goes."""
    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def post(fields):
        response = client.post(url, data=MultiDict([*fields, ("nav", "stay")]))
        assert response.status_code in (302, 303), response.status_code

    post(read_form(get()))  # warm: forms built, templates compiled
    means = {}
    for kind in ("GET", "POST"):
        profiler = cProfile.Profile() if profile else None
        total = 0.0
        for _ in range(rounds):
            fields = read_form(get()) if kind == "POST" else None
            statements.clear()
            began = time.process_time()
            if profiler:
                profiler.enable()
            get() if kind == "GET" else post(fields)
            if profiler:
                profiler.disable()
            total += time.process_time() - began
        means[kind] = 1000 * total / rounds
        print(f"{kind} {url.rsplit('/', 1)[1]}: {means[kind]:.1f} ms CPU a request, {len(statements)} SQL statements")
        if sql:
            for statement in statements:
                print("   ", statement)
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", 35)))
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", default="contacts")
    parser.add_argument("--all-steps", action="store_true", help="every step in turn, then the mean over all of them")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one GET and one POST")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="policybuilder-profile-"))
    app, protocol_id = make_app(instance)
    client = login(app)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2].split("\n")[0][:100]))
        steps = get_schema().keys if args.all_steps else (args.step,)
    results = [measure(client, f"/protocols/{protocol_id}/steps/{step}", args.rounds, statements, args.profile, args.sql)
               for step in steps]
    if args.all_steps:
        print(" ".join(f"mean {kind}: {sum(r[kind] for r in results) / len(results):.1f} ms CPU;" for kind in ("GET", "POST")))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
