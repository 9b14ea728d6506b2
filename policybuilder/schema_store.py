"""Loads the schema once at start-up so that a broken schema file stops the app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .schema import SCHEMA_DIR, Schema, keep_validated_in, load_schema


def init_app(app: Flask) -> None:
    """Load and validate ``schemas/`` (once per content: instance/schema-cache.json); a SchemaError names the file and the field.

    The document texts and the compliance rules and terms are checked at their first use, and kept checked in the
    instance folder as well.
    """
    schema_dir = Path(app.config.get("SCHEMA_DIR", SCHEMA_DIR))
    keep_validated_in(Path(app.instance_path))
    app.extensions["policybuilder.schema"] = load_schema(schema_dir, Path(app.instance_path) / "schema-cache.json")


def get_schema() -> Schema:
    """The schema of the running application."""
    return current_app.extensions["policybuilder.schema"]
