"""policybuilder: write, approve and publish a protocol on online boundary-crossing behaviour."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from . import database, locale
from .extensions import LazyMigrateGroup, db
from .url_rules import IdConverter, LazyBuilderRule

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application: safe defaults, then the environment, then ``config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("POLICYBUILDER_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
    )
    app.url_rule_class = LazyBuilderRule  # URL builders compiled at their first url_for, not every one at start-up
    app.url_map.converters["int"] = IdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object("policybuilder.config.Defaults")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "policybuilder.sqlite")
    app.config.from_prefixed_env("POLICYBUILDER")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if app.debug:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    if config:
        app.config.update(config)
    from .config import ensure_secret_key

    ensure_secret_key(app)

    db.init_app(app)
    database.init_app(app)  # SQLite: WAL and a busy timeout, so simultaneous requests wait instead of failing
    app.config.setdefault("MIGRATIONS_DIR", str(ROOT / "migrations"))
    app.cli.add_command(LazyMigrateGroup(app))  # `flask db …`: Alembic is imported only when it runs
    locale.init_app(app)  # the interface in the person's language: their setting, else the browser's, else Dutch
    # Every form checks its token itself (Flask-WTF), so an expired one can keep the typed text.
    app.jinja_env.globals["csrf_token"] = generate_csrf

    from . import approvals, auth, backup, documents, errors, federation, headers, health, schema_store, static_files, wizard

    health.init_app(app)  # first, so that every request has its id before another hook answers
    if app.config["PROXY_FIX"]:  # behind N reverse proxies: trust their X-Forwarded-For/-Proto/-Host
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    headers.init_app(app)
    static_files.init_app(app)  # versioned static URLs, a year in the browser's cache
    schema_store.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    wizard.init_app(app)
    documents.init_app(app)
    approvals.init_app(app)
    federation.init_app(app)
    backup.init_app(app)
    return app
