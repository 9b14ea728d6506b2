"""Measure the saved step preview and build_document in-process, on cache misses (a new revision each time).

`.venv/bin/python bench/profile_preview.py [--answers examples/full.json] [--rounds 10] [--step learning] [--profile]`:
prints the mean CPU time of build_document (Dutch and French) and of ``saved_step_preview`` per step (each call
after a save that changes the answers, as a drafter's round does), their mean over the steps, and the load average.
Targets (issue 13): build_document < 8 ms, the preview < 8 ms averaged over the nine steps.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import drafter_app  # noqa: E402
from policybuilder.document import build_document  # noqa: E402
from policybuilder.documents.files import protocol_meta  # noqa: E402
from policybuilder.extensions import db  # noqa: E402
from policybuilder.models import Protocol  # noqa: E402
from policybuilder.schema_store import get_schema  # noqa: E402
from policybuilder.wizard.preview import saved_step_preview  # noqa: E402


def cpu_ms(action, rounds: int) -> float:
    """Mean CPU milliseconds of ``action()`` over ``rounds`` calls (after one call to warm up)."""
    action()
    began = time.thread_time()
    for _ in range(rounds):
        action()
    return 1000 * (time.thread_time() - began) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", default=str(ROOT / "examples/full.json"))
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--step", help="only this step (default: all nine)")
    parser.add_argument("--lang", default="nl", help="the preview's document language")
    parser.add_argument("--edit", choices=("own", "learning"), default="own",
                        help="each save changes a text of the step previewed (default) or of the learning step")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of the previews")
    args = parser.parse_args()
    answers = json.loads(Path(args.answers).read_text(encoding="utf-8"))
    app, _user, protocol_id = drafter_app(Path(tempfile.mkdtemp(prefix="policybuilder-preview-")), answers, RENDER_AHEAD=False)
    with app.app_context():
        schema = get_schema()
        protocol = db.session.get(Protocol, protocol_id)
        meta = protocol_meta(protocol)
        for lang in ("nl", "fr"):
            print(f"build_document {lang}: {cpu_ms(lambda: build_document(schema, answers, meta, lang), 4 * args.rounds):.1f} ms CPU")

        profiler = cProfile.Profile() if args.profile else None

        def saved(round_number: int, step: str) -> float:
            """Save answers unlike every earlier round's (a new revision), then make the step's preview: its CPU seconds."""
            edited = step if args.edit == "own" else "learning"
            texts = [q for q in schema.element(edited).questions if q.type in ("textarea", "text")]
            question = min(texts, key=lambda q: q.type != "textarea").id  # its first textarea, else its first text
            own = {**answers.get(edited, {}), question: f"Tekst van ronde {round_number} voor stap {step}."}
            protocol.answers = {**answers, edited: own}
            protocol.revision += 1
            db.session.commit()
            began = time.thread_time()
            if profiler and round_number >= 0:
                profiler.enable()
            saved_step_preview(protocol, schema.element(step), args.lang)
            if profiler:
                profiler.disable()
            return time.thread_time() - began

        means, medians = {}, {}
        for step in (args.step,) if args.step else schema.keys:
            saved(-1, step)  # warm
            times = [1000 * saved(number, step) for number in range(args.rounds)]
            means[step], medians[step] = statistics.mean(times), statistics.median(times)
            print(f"preview {step}: {means[step]:.1f} ms CPU (median {medians[step]:.1f})")
        print(f"mean preview over {len(means)} steps: {statistics.mean(means.values()):.1f} ms CPU "
              f"(mean of the medians {statistics.mean(medians.values()):.1f})")
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", 35)))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
