"""Flask extensions, created unbound and bound to the app in ``create_app``."""
from __future__ import annotations

import click
from flask import Flask
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints let Alembic alter tables on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
babel = Babel()
# A moving window: eleven attempts within any sixty seconds are too many, also across a minute boundary.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
login_manager = LoginManager()
talisman = Talisman()  # security headers; its options are in policybuilder/headers.py
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Meld je aan om verder te gaan.")
login_manager.login_message_category = "info"


def init_migrate(app: Flask) -> None:
    """Bind Flask-Migrate (and so import Alembic) to ``app`` the first time migrations are needed; once per app."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(render_as_batch=True).init_app(app, db, directory=app.config["MIGRATIONS_DIR"])


class LazyMigrateGroup(click.Group):
    """``flask db``: listed in ``flask --help`` as is, Flask-Migrate's own group loaded only when ``db`` is invoked."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations.")  # Flask-Migrate's own short help
        self.app = app

    def load(self) -> click.Group:
        """Flask-Migrate's ``db`` group, bound to the app (it replaces this one in ``app.cli``)."""
        init_migrate(self.app)
        from flask_migrate.cli import db as migrate_group

        return migrate_group

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self.load().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.load().get_command(ctx, cmd_name)
