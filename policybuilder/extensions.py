"""Flask extensions, created unbound and bound to the app in ``create_app``."""
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
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
migrate = Migrate(render_as_batch=True)
babel = Babel()
# A moving window: eleven attempts within any sixty seconds are too many, also across a minute boundary.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
login_manager = LoginManager()
talisman = Talisman()  # security headers; its options are in policybuilder/headers.py
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Meld je aan om verder te gaan.")
login_manager.login_message_category = "info"
