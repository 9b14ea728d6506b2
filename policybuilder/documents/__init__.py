"""The documents blueprint (preview, downloads) and the ``flask render`` command."""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..answers import AnswersError, validate_answers
from ..document import FORMATS, DocumentError, DocumentMeta, Style, build_document, render
from ..schema_store import get_schema
from .cache import fingerprint
from .routes import bp


def init_app(app: Flask) -> None:
    """Register the blueprint, the cache folder (default instance/cache) and the render command."""
    app.config.setdefault("DOCUMENT_CACHE_DIR", os.path.join(app.instance_path, "cache"))
    app.extensions["policybuilder.documents.release"] = fingerprint()
    app.register_blueprint(bp)
    app.cli.add_command(render_command)


def fail(message: str) -> None:
    """Print ``message`` on stderr and stop with exit code 2."""
    click.echo(message, err=True)
    raise SystemExit(2)


@click.command("render")
@click.argument("answers_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path), help="OUT.docx or OUT.pdf")
@click.option("--lang", type=click.Choice(["nl", "fr"]), default="nl", show_default=True)
@with_appcontext
def render_command(answers_file: Path, output: Path, lang: str) -> None:
    """Render a protocol from an answers file (JSON) to Word or PDF, chosen by the output's suffix."""
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(_("%(name)s: kies een uitvoerbestand dat eindigt op .docx of .pdf", name=output.name))
    try:
        answers = json.loads(answers_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(_("%(name)s: bestand niet gevonden", name=answers_file))
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("%(name)s: kan niet gelezen worden (%(error)s)", name=answers_file, error=exc))
    except json.JSONDecodeError as exc:
        fail(_("%(name)s: geen geldige JSON (regel %(line)s, kolom %(column)s: %(error)s)", name=answers_file, line=exc.lineno, column=exc.colno, error=exc.msg))
    schema = get_schema()
    try:
        validate_answers(schema, answers)
    except AnswersError as exc:
        fail(_("%(name)s: ongeldige antwoorden: %(error)s", name=answers_file, error=exc))
    meta = DocumentMeta(organisation="", version_label="concept", date=date.today())
    try:
        data = render(build_document(schema, answers, meta, lang), Style(), fmt)
    except DocumentError as exc:
        fail(_("Het document kon niet gemaakt worden: %(error)s", error=exc))
    output.write_bytes(data)
    click.echo(_("%(name)s geschreven (%(size)s bytes)", name=output, size=len(data)))
