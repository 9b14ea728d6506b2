"""``flask batch``: render every answers file in a folder, in parallel worker processes without the app, or on the RQ queue.

With ``POLICYBUILDER_REDIS_URL`` set the renders go to the same queue as the web's (``flask worker`` anywhere)
and this command only reads the answers, waits and writes the files; both ways call ``jobs.render_spec``.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from ..answers import LANGUAGES, answers_language
from ..document import FORMATS, DocumentError, DocumentMeta
from ..schema import SCHEMA_DIR, Schema, load_schema
from . import fail, jobs
from .answers_file import AnswersFileError, load_answers

_worker: dict = {}


def start_worker(schema_dir: str, formats: tuple[str, ...], lang: str | None) -> None:
    """Load the schema once per worker process."""
    _worker.update(schema=load_schema(Path(schema_dir)), schema_dir=schema_dir, formats=formats, lang=lang)


def file_specs(path: Path, schema: Schema, schema_dir: str, formats: tuple[str, ...], lang: str | None) -> list[jobs.RenderSpec]:
    """One render of the answers in ``path`` per format (raises AnswersFileError)."""
    answers = load_answers(path, schema)
    meta = DocumentMeta(organisation="", version_label="concept", date=date.today())
    lang = lang or answers_language(schema, answers)
    return [jobs.RenderSpec(answers, meta, None, None, fmt, lang, schema_dir=schema_dir) for fmt in formats]


def render_file(path: Path, outdir: Path) -> str | None:
    """Write OUTDIR/<stem>.<ext> for each format; the reason it failed, or None."""
    schema = _worker["schema"]
    try:
        for spec in file_specs(path, schema, _worker["schema_dir"], _worker["formats"], _worker["lang"]):
            (outdir / f"{path.stem}.{spec.fmt}").write_bytes(jobs.render_spec(spec, schema))
    except AnswersFileError as exc:
        return str(exc)
    except DocumentError as exc:
        return _("Het document kon niet gemaakt worden: %(error)s", error=exc)
    return None


def render_local(files: list[Path], output: Path, schema_dir: str, fmts: tuple[str, ...], lang: str | None, workers: int) -> Iterator[tuple[Path, str | None]]:
    """Render ``files`` in a pool of spawned processes; each file with the reason it failed, or None, as it finishes."""
    with ProcessPoolExecutor(
        max_workers=min(workers, len(files)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(schema_dir, fmts, lang),
    ) as pool:
        futures = {pool.submit(render_file, path, output): path for path in files}
        try:
            for future in as_completed(futures):
                try:
                    reason = future.result()
                except Exception as exc:  # a bug or a crashed worker fails this file, not the batch
                    reason = _("onverwachte fout: %(error)s", error=f"{type(exc).__name__}: {exc}")
                yield futures[future], reason
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def render_queued(backend: jobs.RQBackend, files: list[Path], output: Path, schema_dir: str, fmts: tuple[str, ...], lang: str | None) -> Iterator[tuple[Path, str | None]]:
    """Enqueue every file's renders on the web's RQ queue, then write each file's results as its jobs finish.

    A file whose jobs no worker has started within the render timeout fails with a reason that says so, so that a
    batch without a running worker ends instead of waiting for ever.
    """
    from rq import Worker
    from rq.job import Job, JobStatus

    schema = load_schema(Path(schema_dir))
    waiting: dict[Path, list[Job]] = {}
    for path in files:
        try:
            specs = file_specs(path, schema, schema_dir, fmts, lang)
        except AnswersFileError as exc:
            yield path, str(exc)
            continue
        waiting[path] = [
            backend.queue.enqueue(jobs.render_spec, spec, job_timeout=backend.timeout, result_ttl=backend.timeout, failure_ttl=backend.timeout)
            for spec in specs
        ]
    click.echo(ngettext("%(num)s bestand in de wachtrij %(queue)s; een worker (flask worker) maakt de documenten.",
                        "%(num)s bestanden in de wachtrij %(queue)s; een worker (flask worker) maakt de documenten.",
                        len(waiting), queue=jobs.QUEUE_NAME), err=True)
    if waiting and not Worker.count(queue=backend.queue):
        click.echo(_("Er draait nu geen worker op die wachtrij: start er een met flask worker. Wat na %(seconds)s s niet "
                     "begonnen is, telt als mislukt.", seconds=backend.timeout), err=True)
    deadline = time.monotonic() + backend.timeout
    try:
        while waiting:
            for path, queued in list(waiting.items()):
                states = [job.get_status() for job in queued]
                if failed := [job for job, state in zip(queued, states) if state in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)]:
                    result = failed[0].latest_result()
                    error = (result.exc_string or "").strip().splitlines()[-1:] if result else []
                    reason = _("onverwachte fout: %(error)s", error=error[0] if error else states[queued.index(failed[0])])
                elif all(state == JobStatus.FINISHED for state in states):
                    for job in queued:
                        (output / f"{path.stem}.{job.args[0].fmt}").write_bytes(job.return_value())
                    reason = None
                elif time.monotonic() > deadline and JobStatus.QUEUED in states:
                    reason = _("niet gemaakt: geen worker begon eraan binnen %(seconds)s s (flask worker)", seconds=backend.timeout)
                else:
                    continue
                for job in queued:
                    job.delete()
                del waiting[path]
                yield path, reason
            if waiting:
                time.sleep(0.2)
    finally:  # interrupted: take this batch's remaining jobs off the queue
        for queued in waiting.values():
            for job in queued:
                job.delete()


@click.command("batch")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path), help="OUTDIR")
@click.option("--format", "formats", default="docx,pdf", show_default=True, help="docx, pdf or docx,pdf")
@click.option("--jobs", "-j", "workers", type=click.IntRange(min=1), help="worker processes (default: number of CPUs; with Redis: the queue's workers)")
@click.option("--lang", type=click.Choice(LANGUAGES), help="document language (default: each file's answers' language)")
@with_appcontext
def batch_command(folder: Path, output: Path, formats: str, workers: int | None, lang: str | None) -> None:
    """Render every answers file (*.json) in DIR to OUTDIR/<name>.docx and/or .pdf, in parallel (on the queue with Redis)."""
    fmts = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",")))
    if not fmts or any(f not in FORMATS for f in fmts):
        fail(_("--format %(value)s: kies docx, pdf of docx,pdf", value=formats))
    if not folder.is_dir():
        fail(_("%(name)s: map niet gevonden", name=folder))
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not files:
        click.echo(_("Geen antwoordbestanden (*.json) in %(name)s.", name=folder))
        return
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(_("%(name)s: map kan niet gemaakt worden (%(error)s)", name=output, error=exc))
    schema_dir = str(current_app.config.get("SCHEMA_DIR", SCHEMA_DIR))
    backend = current_app.extensions["policybuilder.render"]
    if isinstance(backend, jobs.RQBackend):
        results = render_queued(backend, files, output, schema_dir, fmts, lang)
    else:
        results = render_local(files, output, schema_dir, fmts, lang, workers or os.cpu_count() or 1)
    failures = {}
    with click.progressbar(length=len(files), label=_("Documenten maken"), file=sys.stderr) as bar:
        for path, reason in results:
            if reason:
                failures[path.name] = reason
            bar.update(1)
    done = len(files) - len(failures)
    click.echo(_("%(done)s van %(total)s gelukt.", done=done, total=ngettext("%(num)s bestand", "%(num)s bestanden", len(files))))
    if failures:
        click.echo(_("%(num)s mislukt:", num=len(failures)))
        for name in sorted(failures):
            click.echo(f"  {name}: {failures[name]}")
        raise SystemExit(1)
