"""Sector federations: write, publish, export and import templates; see how members use them."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..schema_store import get_schema
from ..sector import PackageError, import_package
from ..sector.package import MAX_PACKAGE_BYTES
from . import service
from .store import FONTS


def init_app(app: Flask) -> None:
    """Register the federation blueprint and the ``import-template`` command."""
    from .routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(import_template_command)


@click.command("import-template")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--federation", "federation_name", help="Federation to import into (made if missing); default: the one named in the package.")
@with_appcontext
def import_template_command(file: Path, federation_name: str | None) -> None:
    """Import a template package (.pbt): everything is checked first; on a problem nothing is stored (exit code 2)."""
    from ..documents import fail  # documents imports federation.store: import it only when the command runs

    schema = get_schema()
    with file.open("rb") as handle:
        data = handle.read(MAX_PACKAGE_BYTES + 1)  # a larger file is refused without reading it all
    try:
        template, logo = import_package(data, schema, FONTS)
        federation = service.federation_named(federation_name or template.federation)
        row, version = service.store_import(federation, template, logo, schema)
    except PackageError as exc:
        fail("\n".join([_("%(name)s werd niet ingelezen:", name=file.name), *(f"- {p}" for p in exc.problems)]))
    except service.Refused as exc:
        fail(_("%(name)s werd niet ingelezen: %(reason)s", name=file.name, reason=exc))
    if version is None:
        click.echo(_("Niets toegevoegd: deze inhoud is al aanwezig in “%(name)s” van %(federation)s.", name=row.name, federation=federation.name))
    else:
        click.echo(_("Versie %(n)s van “%(name)s” ingelezen in %(federation)s.", n=version.number, name=row.name, federation=federation.name))
