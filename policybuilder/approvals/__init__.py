"""Approval on record: versions, comparison, decisions, verification and review dates."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..dates import local_date, local_today
from ..extensions import db
from ..models import Approval, Organisation, Protocol, ProtocolVersion
from .verify import MAX_FILE_BYTES, verify_bytes


def init_app(app: Flask) -> None:
    """Register the blueprint and the `verify` and `due-reviews` commands."""
    from .routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(verify_command)
    app.cli.add_command(due_reviews_command)


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_command(path: Path) -> None:
    """Say which organisation, version and approval a .docx or .pdf matches (exit 1 if none)."""
    from ..documents.files import version_document

    with path.open("rb") as handle:
        result = verify_bytes(handle.read(MAX_FILE_BYTES + 1), version_document, current_app.config["RENDER_TIMEOUT"])
    version = result.version
    if result.status == "match":
        approval = version.approval
        decided = (
            _("goedgekeurd door %(name)s (%(function)s) op %(date)s", name=approval.name, function=approval.function,
              date=f"{local_date(approval.created_at):%d/%m/%Y}")
            if approval else _("niet goedgekeurd")
        )
        click.echo(_("%(file)s: KLOPT – %(org)s, versie %(n)s, %(decided)s, inhoudshash %(hash)s", file=path.name,
                     org=version.protocol.organisation.name, n=version.number, decided=decided, hash=version.content_hash[:12]))
        return
    messages = {
        "altered": lambda: _("%(file)s: GEWIJZIGD – het noemt versie %(n)s, maar de tekst of de pagina's verschillen", file=path.name, n=version.number),
        "unknown": lambda: _("%(file)s: komt met geen enkele bewaarde versie overeen", file=path.name),
        "unreadable": lambda: _("%(file)s: dit bestand kan niet gelezen worden", file=path.name),
        "pending": lambda: _("%(file)s: nog niet klaar, probeer binnen een minuut opnieuw", file=path.name),
    }
    click.echo(" ".join(filter(None, [messages[result.status](), result.reason])), err=True)
    sys.exit(1)


@click.command("due-reviews")
@click.option("--days", default=30, show_default=True, help="Also list reviews due within this many days.")
@with_appcontext
def due_reviews_command(days: int) -> None:
    """List approved protocols whose review is overdue or due soon (for a scheduler to mail)."""
    today = local_today()
    due = db.session.execute(
        select(Approval.next_review_date, Organisation.name, ProtocolVersion.number)
        .join(ProtocolVersion, Approval.version_id == ProtocolVersion.id)
        .join(Protocol, ProtocolVersion.protocol_id == Protocol.id)
        .join(Organisation, Protocol.organisation_id == Organisation.id)
        .where(ProtocolVersion.status == "approved", Approval.decision == "approved",
               Approval.next_review_date <= today + timedelta(days=days))
        .order_by(Approval.next_review_date)
    ).all()
    for review_date, organisation, number in due:
        state = _("TE LAAT") if review_date < today else _("binnenkort")
        click.echo(f"{state}\t{review_date:%d/%m/%Y}\t{organisation}\t" + _("versie %(n)s", n=number))
    if not due:
        click.echo(_("Geen herzieningen binnen %(days)s dagen.", days=days))
