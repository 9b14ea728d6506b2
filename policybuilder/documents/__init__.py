"""The documents blueprint (preview, downloads) and the ``flask render`` and ``flask batch`` commands."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..answers import LANGUAGES, answers_language
from ..document import FORMATS, DocumentError, DocumentMeta, Style, build_document, render
from ..schema_store import get_schema
from .answers_file import AnswersFileError, load_answers
from . import jobs
from .cache import fingerprint
from .routes import bp


def init_app(app: Flask) -> None:
    """Register the blueprint, the cache folder (default instance/cache), the render backend and the render, batch and worker commands."""
    app.config.setdefault("DOCUMENT_CACHE_DIR", os.path.join(app.instance_path, "cache"))
    app.extensions["policybuilder.documents.release"] = fingerprint()
    jobs.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(render_command)
    app.cli.add_command(worker_command)
    from .batch import batch_command  # batch uses fail() from here

    app.cli.add_command(batch_command)


def fail(message: str) -> None:
    """Print ``message`` on stderr and stop with exit code 2."""
    click.echo(message, err=True)
    raise SystemExit(2)


@click.command("render")
@click.argument("answers_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="OUT.docx or OUT.pdf")
@click.option("--lang", type=click.Choice(LANGUAGES), help="document language (default: the answers' language)")
@with_appcontext
def render_command(answers_file: Path, output: Path, lang: str | None) -> None:
    """Render a protocol from an answers file (JSON) to Word or PDF, chosen by the output's suffix."""
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(_("%(name)s: kies een uitvoerbestand dat eindigt op .docx of .pdf", name=output.name))
    schema = get_schema()
    try:
        answers = load_answers(answers_file, schema)
    except AnswersFileError as exc:
        fail(f"{answers_file}: {exc}")
    meta = DocumentMeta(organisation="", version_label="concept", date=date.today())
    try:
        data = render(build_document(schema, answers, meta, lang or answers_language(schema, answers)), Style(), fmt)
    except DocumentError as exc:
        fail(_("Het document kon niet gemaakt worden: %(error)s", error=exc))
    try:
        output.write_bytes(data)
    except OSError as exc:
        fail(_("%(name)s: kan niet geschreven worden (%(error)s)", name=output, error=exc.strerror or exc))
    click.echo(_("%(name)s geschreven (%(size)s bytes)", name=output, size=len(data)))


@click.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker for the document renders (needs POLICYBUILDER_REDIS_URL; same as rq worker policybuilder-render)."""
    from flask import current_app
    from rq import Worker

    backend = current_app.extensions["policybuilder.render"]
    if not isinstance(backend, jobs.RQBackend):
        fail(_("Zet POLICYBUILDER_REDIS_URL om een worker te starten; zonder Redis maakt de app documenten zelf."))
    Worker([backend.queue], connection=backend.redis).work(burst=burst)
