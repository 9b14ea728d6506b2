"""Database connections that cope with several requests at once."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from .extensions import db

# How long a SQLite connection waits for another one's write to finish before it gives up ("database is locked").
SQLITE_BUSY_TIMEOUT_MS = 5000


def init_app(app: Flask) -> None:
    """Give every SQLite connection write-ahead logging and a busy timeout (PostgreSQL needs neither)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _configure_sqlite)


def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers and one writer work side by side; the timeout makes a second writer wait its turn."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
