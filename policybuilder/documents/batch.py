"""``flask batch``: render every answers file in a folder, in parallel worker processes without the app."""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from ..answers import LANGUAGES, answers_language
from ..document import FORMATS, DocumentError, DocumentMeta, Style, build_document, render
from ..schema import SCHEMA_DIR, load_schema
from . import fail
from .answers_file import AnswersFileError, load_answers

_worker: dict = {}


def start_worker(schema_dir: str, formats: tuple[str, ...], lang: str | None) -> None:
    """Load the schema once per worker process."""
    meta = DocumentMeta(organisation="", version_label="concept", date=date.today())
    _worker.update(schema=load_schema(Path(schema_dir)), formats=formats, lang=lang, meta=meta)


def render_file(path: Path, outdir: Path) -> str | None:
    """Write OUTDIR/<stem>.<ext> for each format; the reason it failed, or None."""
    schema = _worker["schema"]
    try:
        answers = load_answers(path, schema)
        doc = build_document(schema, answers, _worker["meta"], _worker["lang"] or answers_language(schema, answers))
        for fmt in _worker["formats"]:
            (outdir / f"{path.stem}.{fmt}").write_bytes(render(doc, Style(), fmt))
    except AnswersFileError as exc:
        return str(exc)
    except DocumentError as exc:
        return _("Het document kon niet gemaakt worden: %(error)s", error=exc)
    return None


@click.command("batch")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path), help="OUTDIR")
@click.option("--format", "formats", default="docx,pdf", show_default=True, help="docx, pdf or docx,pdf")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="worker processes (default: number of CPUs)")
@click.option("--lang", type=click.Choice(LANGUAGES), help="document language (default: each file's answers' language)")
@with_appcontext
def batch_command(folder: Path, output: Path, formats: str, jobs: int | None, lang: str | None) -> None:
    """Render every answers file (*.json) in DIR to OUTDIR/<name>.docx and/or .pdf, in parallel."""
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
    failures = {}
    with ProcessPoolExecutor(
        max_workers=min(jobs or os.cpu_count() or 1, len(files)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(schema_dir, fmts, lang),
    ) as pool:
        futures = {pool.submit(render_file, path, output): path for path in files}
        try:
            with click.progressbar(length=len(files), label=_("Documenten maken"), file=sys.stderr) as bar:
                for future in as_completed(futures):
                    try:
                        reason = future.result()
                    except Exception as exc:  # a bug or a crashed worker fails this file, not the batch
                        reason = _("onverwachte fout: %(error)s", error=f"{type(exc).__name__}: {exc}")
                    if reason:
                        failures[futures[future].name] = reason
                    bar.update(1)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    done = len(files) - len(failures)
    click.echo(_("%(done)s van %(total)s gelukt.", done=done, total=ngettext("%(num)s bestand", "%(num)s bestanden", len(files))))
    if failures:
        click.echo(_("%(num)s mislukt:", num=len(failures)))
        for name in sorted(failures):
            click.echo(f"  {name}: {failures[name]}")
        raise SystemExit(1)
