"""Backup and restore of all data: every table's rows as JSON in a zip, with a manifest of counts and checksums.

A backup is one consistent read (one transaction) and can be made while the app serves. A restore
checks the whole file before it touches the database, fills an empty installation in one
transaction, and works across engines (SQLite to PostgreSQL). Logos live in the database, and
documents are regenerated from the rows, so the rows are all there is to keep.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, LargeBinary, Table, func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, init_migrate

FORMAT = "policybuilder-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The file cannot be restored (damaged, foreign or from another database version), or the target is not empty."""


def init_app(app: Flask) -> None:
    """Add the ``backup`` and ``restore`` commands."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def write_backup(path: Path) -> dict:
    """Write every table's rows, read in one transaction, to the zip ``path``; returns the manifest."""
    members: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    with db.engine.connect() as connection:
        connection = _begin_consistent_read(connection)
        for table in _tables():
            rows = [_dump_row(table, row) for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
            members[table.name] = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
            counts[table.name] = len(rows)
        connection.rollback()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": current_app.extensions["policybuilder.documents.release"],
        "database_revision": _migrations_head(),
        "created_at": datetime.now(timezone.utc).isoformat(),
        "tables": {
            name: {"file": _member(name), "rows": counts[name], "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in members.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        try:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
                for name, data in members.items():
                    archive.writestr(_member(name), data)
        except BaseException:
            os.unlink(handle.name)
            raise
    os.replace(handle.name, path)  # a reader never sees half a backup
    return manifest


def read_backup(path: Path) -> tuple[dict, dict[str, list[dict]]]:
    """The manifest and each table's rows (ready to insert) of the backup at ``path``, checked whole; else BackupError."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive)
            contents = {name: _read_member(archive, name, entry) for name, entry in manifest["tables"].items()}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise BackupError(_("%(name)s is beschadigd of onvolledig (%(error)s); er is niets veranderd.", name=path.name, error=exc)) from None
    return manifest, contents


def restore_backup(path: Path) -> dict:
    """Fill this empty installation with the backup at ``path`` in one transaction; returns the manifest."""
    manifest, contents = read_backup(path)
    existing = set(inspect(db.engine).get_table_names())
    if not existing & {table.name for table in _tables()}:
        from flask_migrate import upgrade  # Alembic: imported only when a restore runs

        upgrade()  # a brand-new database: make the tables first
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the emptiness check and the rows in one write transaction
            filled = [table.name for table in _tables() if connection.scalar(select(func.count()).select_from(table))]
            if filled:
                raise BackupError(_("Terugzetten kan alleen in een lege installatie; deze bevat al gegevens (%(tables)s). "
                                    "Er is niets veranderd.", tables=", ".join(filled)))
            for table in _tables():
                if contents[table.name]:
                    connection.execute(table.insert(), contents[table.name])
            _advance_sequences(connection)
    except SQLAlchemyError as exc:
        raise BackupError(_("De gegevens konden niet teruggezet worden (%(error)s); er is niets veranderd.",
                            error=getattr(exc, "orig", exc))) from None
    return manifest


def _tables() -> list[Table]:
    """All tables, parents before children."""
    return list(db.metadata.sorted_tables)


def _member(table_name: str) -> str:
    return f"tables/{table_name}.json"


def _migrations_head() -> str:
    """The database revision this code expects (the head of ``migrations/``)."""
    from alembic.script import ScriptDirectory  # imported only when a backup or restore runs

    init_migrate(current_app)
    return ScriptDirectory(current_app.extensions["migrate"].directory).get_current_head()


def _begin_consistent_read(connection: Connection) -> Connection:
    """Read every table from one snapshot: a repeatable-read transaction (PostgreSQL) or an explicit BEGIN (SQLite)."""
    if connection.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")  # pysqlite opens none for reads by itself
    return connection


def _dump_row(table: Table, row) -> dict:
    """One row as JSON-ready values: times in UTC ISO 8601, bytes in base64."""
    values = {}
    for column in table.columns:
        value = row[column.name]
        if value is not None and isinstance(column.type, DateTime):
            value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()
        elif value is not None and isinstance(column.type, Date):
            value = value.isoformat()
        elif value is not None and isinstance(column.type, LargeBinary):
            value = base64.b64encode(value).decode("ascii")
        values[column.name] = value
    return values


def _load_row(table: Table, values: dict) -> dict:
    """The inverse of :func:`_dump_row`."""
    row = {}
    for column in table.columns:
        value = values.get(column.name)
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(column.type, LargeBinary):
            value = base64.b64decode(value)
        row[column.name] = value
    return row


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    """The manifest, if this is a policybuilder backup of this database version."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("tables"), dict):
        raise BackupError(_("Dit is geen reservekopie van policybuilder; er is niets veranderd."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("Deze reservekopie heeft formaatversie %(found)s; deze installatie leest versie %(expected)s. Er is niets veranderd.",
                            found=manifest.get("format_version"), expected=FORMAT_VERSION))
    if manifest.get("database_revision") != _migrations_head():
        raise BackupError(_("Deze reservekopie komt van een andere databaseversie (%(found)s, hier %(expected)s). "
                            "Zet ze terug met dezelfde versie van policybuilder. Er is niets veranderd.",
                            found=manifest.get("database_revision"), expected=_migrations_head()))
    expected = {table.name for table in _tables()}
    if set(manifest["tables"]) != expected:
        raise BackupError(_("De tabellen in deze reservekopie kloppen niet met deze installatie; er is niets veranderd."))
    return manifest


def _read_member(archive: zipfile.ZipFile, table_name: str, entry: dict) -> list[dict]:
    """One table's rows, after checking the member's SHA-256, row count and columns against the manifest."""
    data = archive.read(_member(table_name))
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise BackupError(_("%(member)s in de reservekopie is beschadigd (de controlesom klopt niet); er is niets veranderd.",
                            member=_member(table_name)))
    rows = json.loads(data)
    table = db.metadata.tables[table_name]
    if len(rows) != entry.get("rows") or any(set(row) != set(table.columns.keys()) for row in rows):
        raise BackupError(_("%(member)s in de reservekopie klopt niet met het manifest; er is niets veranderd.",
                            member=_member(table_name)))
    return [_load_row(table, row) for row in rows]


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL: let each id sequence continue after the restored ids (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        (key,) = table.primary_key.columns
        if key.autoincrement in (True, "auto") and key.type.python_type is int:
            connection.execute(text(
                f'SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX("{key.name}"), 0) + 1, false) FROM "{table.name}"'
            ), {"table": f'"{table.name}"', "column": key.name})


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent backup of all data to FILE (a zip); safe while the app serves."""
    manifest = write_backup(file)
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    click.echo(_("%(name)s geschreven: %(rows)s rijen uit %(tables)s tabellen.", name=file, rows=rows, tables=len(manifest["tables"])))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore FILE (made by `flask backup`) into this empty installation, also from SQLite into PostgreSQL."""
    try:
        manifest = restore_backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    click.echo(_("%(name)s teruggezet: %(rows)s rijen in %(tables)s tabellen.", name=file, rows=rows, tables=len(manifest["tables"])))
