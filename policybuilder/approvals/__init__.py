"""Approval on record: versions, comparison, decisions, verification and review dates."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from ..extensions import db
from ..models import Approval, ProtocolVersion
from .verify import verify_bytes


def init_app(app: Flask) -> None:
    """Register the blueprint and the `verify` and `due-reviews` commands."""
    from .routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(verify_command)
    app.cli.add_command(due_reviews_command)


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(path: Path) -> None:
    """Say which organisation, version and approval a .docx or .pdf matches (exit 1 if none)."""
    from ..documents.files import version_document

    result = verify_bytes(path.read_bytes(), version_document)
    if result.status != "match":
        messages = {
            "altered": f"{path.name}: ALTERED - it names version {result.version.number if result.version else '?'} but its text differs",
            "unknown": f"{path.name}: matches no version on record",
            "unreadable": f"{path.name}: not a readable .docx or .pdf file",
        }
        click.echo(messages[result.status], err=True)
        sys.exit(1)
    version = result.version
    approval = version.approval
    decided = f"approved by {approval.name} ({approval.function}) on {approval.created_at:%d/%m/%Y}" if approval else "not approved"
    click.echo(f"{path.name}: MATCH - {version.protocol.organisation.name}, version {version.number}, {decided}, hash {version.content_hash[:12]}")


@click.command("due-reviews")
@click.option("--days", default=30, show_default=True, help="Also list reviews due within this many days.")
def due_reviews_command(days: int) -> None:
    """List approved protocols whose review is overdue or due soon (for a scheduler to mail)."""
    today = date.today()
    rows = db.session.execute(
        select(Approval, ProtocolVersion)
        .join(ProtocolVersion, Approval.version_id == ProtocolVersion.id)
        .where(ProtocolVersion.status == "approved", Approval.decision == "approved")
        .order_by(Approval.next_review_date)
    ).all()
    due = [(a, v) for a, v in rows if a.next_review_date and (a.next_review_date - today).days <= days]
    for approval, version in due:
        state = "OVERDUE" if approval.next_review_date < today else "due"
        click.echo(f"{state}\t{approval.next_review_date:%d/%m/%Y}\t{version.protocol.organisation.name}\tversion {version.number}")
    if not due:
        click.echo(f"No reviews due within {days} days.")
