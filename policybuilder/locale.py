"""The interface language: the person's own choice, else the browser's, else Dutch; a switch in every page's header."""
from __future__ import annotations

from contextlib import contextmanager

from babel import Locale
from flask import Blueprint, Flask, abort, flash, has_request_context, redirect, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from .extensions import babel, db
from .models import User
from .redirects import local_path

LANGUAGES = ("nl", "fr")
DEFAULT = "nl"
# Belgian formats for dates and numbers; the catalogues themselves are "nl" (the msgids) and "fr".
BELGIAN = {"nl": "nl_BE", "fr": "fr_BE"}
# Each language named in itself, so that someone who cannot read the current one still finds theirs.
NAMES = {"nl": "Nederlands", "fr": "Français"}
# Parsed once: Flask-Babel takes a Locale as it is, where it would parse a name again on every request.
LOCALES = {language: Locale.parse(name) for language, name in BELGIAN.items()}
SESSION_KEY = "locale"
# Set when the choice was made before logging in: the login that follows keeps it in the account.
CHOSEN_LOGGED_OUT = "locale_chosen_logged_out"

bp = Blueprint("locale", __name__)


def init_app(app: Flask) -> None:
    """Choose the locale per request, offer the switch and ``html_lang`` to every page."""
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.context_processor(_page_language)


def interface_language() -> str:
    """"nl" or "fr": the logged-in person's setting, else the choice kept in the session, else Accept-Language, else Dutch."""
    if not has_request_context():
        return DEFAULT
    own = _own_language()
    if own in LANGUAGES:
        return own
    if session.get(SESSION_KEY) in LANGUAGES:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def _own_language() -> str | None:
    """The logged-in person's setting; None when nobody is logged in, or when the database fails (an error page)."""
    try:
        return current_user.locale if current_user.is_authenticated else None
    except SQLAlchemyError:
        return None


def select_locale() -> Locale:
    """Flask-Babel's locale selector: the interface language with its Belgian formats."""
    return LOCALES[interface_language()]


@contextmanager
def language_of(user: User):
    """Translate (an e-mail) in ``user``'s own language, Dutch when they chose none."""
    with force_locale(BELGIAN[user.locale if user.locale in LANGUAGES else DEFAULT]):
        yield


def _page_language() -> dict:
    """``html_lang`` for <html lang>, and the switch's languages with the current one marked."""
    current = interface_language()
    return {"html_lang": BELGIAN[current].replace("_", "-"), "interface_language": current, "language_names": NAMES}


class LanguageForm(FlaskForm):
    """Only the CSRF token; the language is the pressed button's value."""


@bp.post("/language")
def switch():
    """Keep the chosen language in the session and, for a logged-in person, in their account; back to the page."""
    language = request.form.get("language")
    if language not in LANGUAGES:
        abort(400)
    if not LanguageForm().validate_on_submit():
        flash(_("Dit formulier was verlopen. Probeer opnieuw."), "error")
        return redirect(local_path(request.form.get("next")))
    session[SESSION_KEY] = language
    session[CHOSEN_LOGGED_OUT] = not current_user.is_authenticated
    if current_user.is_authenticated:
        _save(current_user, language)
    return redirect(local_path(request.form.get("next")))


def keep_choice_made_before_login(user: User) -> None:
    """Right after login: a language picked on the way in (logged out) becomes the account's setting."""
    language = session.get(SESSION_KEY)
    if session.pop(CHOSEN_LOGGED_OUT, False) and language in LANGUAGES and user.locale != language:
        _save(user, language)


def _save(user: User, language: str) -> None:
    db.session.execute(update(User).where(User.id == user.id).values(locale=language))
    db.session.commit()
