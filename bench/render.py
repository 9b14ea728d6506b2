"""Benchmark of the document pipeline on examples/full.json; each figure is printed beside its target.

Run with `make bench` (.venv/bin/python bench/render.py). Not part of CI's pass/fail.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policybuilder.document import (  # noqa: E402
    DocumentMeta, Style, build_document, build_staff_card, render_docx, render_html, render_pdf,
)
from policybuilder.document import pdf as pdf_module  # noqa: E402
from policybuilder.schema import load_schema  # noqa: E402

ANSWERS = json.loads((ROOT / "examples" / "full.json").read_text(encoding="utf-8"))
META = DocumentMeta(organisation="", version_label="concept 1", date=date(2025, 1, 1))


def timings(function, runs: int) -> list[float]:
    """Milliseconds of ``runs`` warm calls (one call first to warm up)."""
    function()
    result = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        result.append((time.perf_counter() - started) * 1000)
    return result


def report(label: str, values: list[float], target: float | None = None) -> None:
    """Print median and p95 beside the target."""
    ordered = sorted(values)
    median, p95 = statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]
    verdict = "" if target is None else ("  ok" if median < target else "  OVER TARGET")
    goal = f"target < {target:.0f} ms" if target else ""
    print(f"{label:<38} median {median:8.1f} ms   p95 {p95:8.1f} ms   {goal}{verdict}")


def one_pdf(_index: int) -> int:
    """Build and render one PDF in a worker process; returns its size."""
    return len(render_pdf(build_document(load_schema(), ANSWERS, META), Style()))


def one_pdf_cpu(index: int) -> float:
    """:func:`one_pdf`, returning the CPU seconds it took in the worker."""
    started = time.process_time()
    one_pdf(index)
    return time.process_time() - started


def warm_worker(everyone_warm) -> None:
    """Pool initializer: imports done and one PDF rendered (fonts, stylesheets), then wait for the other workers, so
    that the clock starts with all of them ready."""
    one_pdf(0)
    everyone_warm.wait()


def worker_pid(_index: int) -> int:
    """Hold the worker a moment so that each worker takes one of these; returns its pid."""
    time.sleep(0.2)
    return os.getpid()


def peak_memory_of_one_pdf(trace: bool = False) -> tuple[float, float, float]:
    """(peak RSS, RSS before the render, tracemalloc peak or 0) in MB of a fresh process that renders one PDF.

    The peak is the child's own high-water mark, VmHWM in /proc/self/status. Not ru_maxrss: on
    Linux a child started by fork/vfork + exec inherits the parent's RSS in ru_maxrss, so it
    reported this benchmark process's own size (over 200 MB after the renders above), not the child's.
    RSS before the render is after the imports (WeasyPrint, Pango, the app's modules); ``trace``
    adds tracemalloc's peak of the Python allocations during the render (it does not see Pango's,
    HarfBuzz's or fontconfig's C allocations, and makes the render slower, so it is a separate run).
    """
    code = (
        "import resource, sys, tracemalloc; sys.path.insert(0, %r); import bench.render as b; "
        "before = int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize() / 2**20; "
        "tracemalloc.start() if %r else None; b.one_pdf(0); "
        "traced = tracemalloc.get_traced_memory()[1] / 2**20 if %r else 0; "
        "hwm = next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmHWM:')) / 1024; "
        "print(hwm, before, traced)"
    ) % (str(ROOT), trace, trace)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    peak, before, traced = map(float, out.split())
    return peak, before, traced


def download_timings(runs: int) -> list[float]:
    """A second download of an unchanged draft through the Flask route (cache warm)."""
    from bench.seed import drafter_app

    folder = Path(tempfile.mkdtemp())
    app, user_id, protocol_id = drafter_app(folder, ANSWERS, TESTING=True, RENDER_WAIT=120)  # the first download waits for its file
    url = f"/protocols/{protocol_id}/download/pdf"
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user_id), True
    assert client.get(url).status_code == 200
    result = timings(lambda: client.get(url).data, runs)
    shutil.rmtree(folder)
    return result


def verify_timings(runs: int) -> tuple[list[float], list[float], int]:
    """`verify` of the approved example's PDF, after the fingerprints recorded at its approval: the file as handed
    out, and a copy saved again by another program (other bytes, the same pages and text); and how many
    fingerprints were recorded. Nothing is rendered during a check (a render would fail this benchmark)."""
    from io import BytesIO

    from pypdf import PdfWriter

    from policybuilder import create_app
    from policybuilder.approvals import fingerprints
    from policybuilder.approvals.verify import verify_bytes
    from policybuilder.documents.files import version_document
    from policybuilder.extensions import db
    from policybuilder.models import Approval, DocumentFingerprint, Organisation, Protocol, ProtocolVersion, User

    folder = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
                      "DOCUMENT_CACHE_DIR": str(folder / "cache"), "RENDER_AHEAD": False})
    with app.app_context():
        db.create_all()
        organisation = Organisation(name="vzw De Klimop", sector="youth_care")
        user = User(email="bench@example.be", name="Bench")
        protocol = Protocol(organisation=organisation, answers=ANSWERS, saved_steps=[])
        version = ProtocolVersion(protocol=protocol, number=1, answers=ANSWERS, status="approved", submitted_by=user,
                                  content_hash=ProtocolVersion.hash_of(1, 1, ANSWERS, None))
        db.session.add_all([organisation, user, protocol, version,
                            Approval(version=version, user=user, decision="approved", name="Bench", function="Directeur")])
        db.session.commit()
        fingerprints.record(version)  # what the approval's background job does
        recorded = db.session.query(DocumentFingerprint).count()
        pdf = version_document(version, "pdf", "nl")
        resaved = BytesIO()
        PdfWriter(clone_from=BytesIO(pdf)).write(resaved)

        def check(data: bytes) -> None:
            def no_render(*_args):
                raise AssertionError("verify rendered a document")

            assert verify_bytes(data, no_render).status == "match"
            db.session.remove()

        result = timings(lambda: check(pdf), runs), timings(lambda: check(resaved.getvalue()), runs), recorded
    shutil.rmtree(folder)
    return result


def process_timings(arguments: list[str], runs: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) milliseconds of ``arguments`` as a new process each run, on a temporary instance (one run first to warm up).

    The children may write bytecode caches (as an installed app has them), whatever PYTHONDONTWRITEBYTECODE says here.
    """
    folder = Path(tempfile.mkdtemp())
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(POLICYBUILDER_INSTANCE=str(folder / "instance"), POLICYBUILDER_SECRET_KEY="bench")
    command = [str(arg).replace("{folder}", str(folder)) for arg in arguments]
    wall, cpu = [], []
    for run in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT, env=env)
        elapsed = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run:
            wall.append(elapsed)
            cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    shutil.rmtree(folder)
    return wall, cpu


def report_process(label: str, arguments: list[str], runs: int, target: float | None = None) -> None:
    """Print a whole process's wall and CPU time (median) beside the target."""
    wall, cpu = process_timings(arguments, runs)
    report(label, wall, target)
    median = statistics.median(cpu)
    verdict = "" if target is None else f"   target < {target:.0f} ms  {'ok' if median < target else 'OVER TARGET'}"
    print(f"{'':<38} CPU (user + sys) median {median:8.1f} ms{verdict}")


def libreoffice_timings(docx_bytes: bytes, runs: int) -> list[float]:
    """`soffice --headless --convert-to pdf` of the same .docx, each run a new process (profile kept warm)."""
    folder = Path(tempfile.mkdtemp())
    source = folder / "protocol.docx"
    source.write_bytes(docx_bytes)
    command = ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
    result = timings(lambda: subprocess.run(command, capture_output=True, check=True), runs)
    shutil.rmtree(folder)
    return result


def page_fill(pdf: bytes) -> list[float]:
    """The share of each page's text area (A4 less the 2.2/2/2/2 cm margins) that holds something, top to lowest mark."""
    from PIL import Image

    dpi, cm = 30, 72 / 2.54 * 30 / 72
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(path), f"{folder}/page"], check=True)
        shares = []
        for image in sorted(Path(folder).glob("page-*.pgm")):
            pixels = Image.open(image).load()
            top, bottom, left, right = int(2.2 * cm), int(27.7 * cm), int(2 * cm), int(19 * cm)
            lowest = max((y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(left, right))), default=top)
            shares.append((lowest - top) / (bottom - top))
        return shares


def main() -> None:
    """Run every measurement and print it beside its target."""
    schema = load_schema()
    doc = build_document(schema, ANSWERS, META)
    style = Style()
    fill = page_fill(render_pdf(doc, style))
    sparse = sum(share < 0.4 for share in fill[1:])  # the cover page is meant to be short
    print(f"examples/full.json: {len(fill)} PDF pages, {sparse} of them mostly empty (< 40 % of the text area, cover not counted), "
          f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f}), WeasyPrint PDF/UA-1 with tags\n")

    report("build_document", timings(lambda: build_document(schema, ANSWERS, META), 50))
    report("render_docx", timings(lambda: render_docx(doc, style), 30), 60)
    report("render_html (preview)", timings(lambda: render_html(doc, style, fragment=True), 50), 20)
    pdf_times = timings(lambda: render_pdf(doc, style), 15)
    report("render_pdf (tagged, PDF/UA-1)", pdf_times, 550)
    untagged = dict(pdf_module.PDF_OPTIONS)
    pdf_module.PDF_OPTIONS.clear()
    report("render_pdf without tags (cost of tags)", timings(lambda: render_pdf(doc, style), 10))
    pdf_module.PDF_OPTIONS.update(untagged)
    card = build_staff_card(schema, ANSWERS, META)
    report("staff card, PDF (fitted to one page)", timings(lambda: render_pdf(card, style), 10))
    report("staff card, Word (fitted by the PDF's layout)", timings(lambda: render_docx(card, style), 10))
    report("second download, unchanged (cache)", download_timings(50), 10)
    same_file, same_text, recorded = verify_timings(10)
    report("verify example PDF, as handed out", same_file, 300)
    report("verify example PDF, saved again", same_text, 300)
    print(f"{'':<38} (compared with the {recorded} fingerprints recorded after the approval: nl/fr x docx/pdf)")

    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    report_process("start-up: import wsgi (create_app)", [sys.executable, "-c", "import wsgi"], 5, 1000)
    report_process("whole process: flask --help", [*flask, "--help"], 5, 1000)
    report_process("whole process: flask render .docx", [*flask, "render", "examples/full.json", "--output", "{folder}/p.docx"], 5, 1000)
    report_process("whole process: flask render .pdf", [*flask, "render", "examples/full.json", "--output", "{folder}/p.pdf"], 3)

    if shutil.which("soffice"):
        office = libreoffice_timings(render_docx(doc, style), 5)
        report("LibreOffice headless .docx -> .pdf", office)
        ratio = statistics.median(pdf_times) / statistics.median(office)
        print(f"{'PDF / LibreOffice (median)':<38} ratio {ratio:7.2f}        target < 1.00  {'ok' if ratio < 1 else 'OVER TARGET'}")
    else:
        print("LibreOffice headless: soffice not found, comparison skipped")

    runs = [peak_memory_of_one_pdf() for _ in range(3)]
    peak, before, _ = sorted(runs)[1]
    traced = peak_memory_of_one_pdf(trace=True)[2]
    print(f"{'peak memory, one PDF (fresh process)':<38} {peak:7.1f} MB   target < 150 MB  {'ok' if peak < 150 else 'OVER TARGET'}")
    print(f"{'':<38} = {before:.1f} MB after imports + {peak - before:.1f} MB for the render (median of 3 processes);")
    print(f"{'':<38}   tracemalloc peak of the render's Python objects {traced:.1f} MB")

    # Like `flask batch`: a pool of spawned workers, with 1 worker and then one per core. Their start-up (imports,
    # fonts, a first render) happens before the clock starts: only the documents are timed.
    cores = os.cpu_count() or 1
    for workers, count in sorted({(1, 30), (cores, 100)}):
        rate, elapsed, started_in, cpu, pids = pdf_rate(workers, count)
        title = f"{count} PDFs on {workers} worker{'s' if workers > 1 else ''}"
        target = f"target >= {1.5 * workers:.1f}/s  {'ok' if rate >= 1.5 * workers else 'UNDER TARGET'}" if workers == cores else ""
        print(f"{title:<38} {elapsed:7.1f} s = {rate:.2f} documents/s ({pids} processes, {cores} cores)   {target}")
        print(f"{'':<38} (worker start-up, not counted: {started_in:.1f} s; per document {1000 * elapsed * workers / count:.0f} ms of a")
        print(f"{'':<38}  worker, of which it had the CPU for {1000 * statistics.median(cpu):.0f} ms (median): the rest is waiting for a core)")
    print(f"\nmax RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()[0]:.1f}")


def pdf_rate(workers: int, count: int) -> tuple[float, float, float, list[float], int]:
    """``count`` PDFs on a pool of ``workers`` spawned processes, all warm before the clock starts:
    (documents/s, seconds, the workers' start-up seconds, each document's CPU seconds, distinct worker processes)."""
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_worker,
                             initargs=(context.Barrier(workers),)) as pool:
        pids = len(set(pool.map(worker_pid, range(workers))))
        startup = time.perf_counter() - started
        started = time.perf_counter()
        cpu = list(pool.map(one_pdf_cpu, range(count)))
        elapsed = time.perf_counter() - started
    return count / elapsed, elapsed, startup, cpu, pids


if __name__ == "__main__":
    main()
