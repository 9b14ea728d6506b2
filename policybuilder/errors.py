"""Error pages in the interface language for the errors a user can meet, including the 409 of a lost race."""
from __future__ import annotations

import math
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, HTTPException

from .extensions import db, limiter
from .locale import BELGIAN, interface_language

MESSAGES = {
    400: lambda: _("Deze aanvraag kon niet verwerkt worden. Controleer wat je invulde en probeer opnieuw."),
    404: lambda: _("Deze pagina bestaat niet (meer). Controleer de link of ga terug naar je protocollen."),
    405: lambda: _("Deze actie is hier niet mogelijk."),
    413: lambda: _("Wat je verstuurde is te groot. Maak je tekst korter en probeer opnieuw; wat eerder bewaard werd, blijft bewaard."),
    429: lambda: _("Te veel pogingen. Wacht een minuut en probeer dan opnieuw."),
    500: lambda: _("Er liep iets mis aan onze kant. Wat eerder bewaard werd, blijft bewaard. Probeer het straks opnieuw."),
}
# The last resort when even the error page cannot be made.
BARE_PAGE = (
    '<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{title} {code} · policybuilder</title>'
    '<h1>{heading} ({code})</h1><p>{message}</p><p><a href="/">{home}</a></p></html>'
)
FORM_MIMETYPE = "application/x-www-form-urlencoded"


class Conflict(Exception):
    """Someone else changed this first: shown as a Dutch 409 page saying what happened.

    ``typed`` (label → text) is what the user typed and could not be stored, shown so it can be copied.
    """

    def __init__(self, message: str, typed: dict[str, str] | None = None):
        super().__init__(message)
        self.typed = typed or {}

    def keeping(self, form) -> "Conflict":
        """This conflict, also showing the free text typed in ``form`` (its text areas)."""
        self.typed.update(
            (str(field.label.text), field.data) for field in form if field.type == "TextAreaField" and (field.data or "").strip()
        )
        return self


class InvalidText(BadRequest):
    """A form body that is not valid UTF-8: browsers never send one, and nothing of it can be shown back."""


def init_app(app: Flask) -> None:
    """Show every error as a Dutch page with the right status code, after undoing a half-done transaction."""
    app.before_request(_refuse_undecodable_form)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _roll_back(error.code)  # first: choosing the page's language may read the logged-in user again
        if isinstance(error, InvalidText):
            message = _("De tekst bevat tekens die geen geldige tekst zijn (geen geldige UTF-8). Er werd niets bewaard, "
                        "en wat je verstuurde kan hier niet opnieuw getoond worden. Ga terug in je browser: daar staat je "
                        "tekst meestal nog. Kopieer hem eventueel opnieuw uit een gewone teksteditor.")
        else:
            message = MESSAGES.get(error.code, MESSAGES[400])()
        # Keep what the error itself says in its headers (such as Allow of a 405).
        headers = dict((name, value) for name, value in error.get_headers() if name.lower() != "content-type")
        if error.code == 429:
            headers.setdefault("Retry-After", str(_seconds_to_wait()))
        return _page(error.code, message), error.code, headers

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        _roll_back(409)
        return _page(409, str(error), heading=_("Iemand anders was je voor"), typed=error.typed, back=_same_site_referrer()), 409


def _roll_back(code: int) -> None:
    """Roll back a failed database transaction, so that the error page itself can load."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection itself is gone; the page below reads nothing from the database
        current_app.logger.exception("rollback before the error page %s failed", code)


def _page(code: int, message: str, **context):
    """The error page in the interface language (a plain one if even that fails)."""
    try:
        return render_template("errors/error.html", code=code, message=message, **context)
    except Exception:  # noqa: BLE001 - an error page must never fail itself
        current_app.logger.exception("the error page %s could not be rendered", code)
        return BARE_PAGE.format(code=code, message=escape(message), lang=BELGIAN[interface_language()].replace("_", "-"),
                                title=escape(_("Fout")), heading=escape(_("Er ging iets mis")), home=escape(_("Naar je protocollen")))


def _seconds_to_wait() -> int:
    """Seconds until the exceeded rate limit lets this client try again (a minute when unknown)."""
    current = limiter.current_limit
    return max(1, math.ceil(current.reset_at - time.time())) if current else 60


def _same_site_referrer() -> str | None:
    """The page the user came from, when it is a page of this site (its path only)."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _refuse_undecodable_form() -> None:
    """A posted form that is not UTF-8 gets a clear 400 instead of looking like an empty (expired) form."""
    if request.mimetype != FORM_MIMETYPE:
        return
    try:
        request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidText() from None

