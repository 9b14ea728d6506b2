"""Error pages in Dutch for the errors a user can meet."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: lambda: _("Deze aanvraag kon niet verwerkt worden. Controleer wat je invulde en probeer opnieuw."),
    404: lambda: _("Deze pagina bestaat niet (meer). Controleer de link of ga terug naar je protocollen."),
    405: lambda: _("Deze actie is hier niet mogelijk."),
    413: lambda: _("Wat je verstuurde is te groot. Maak je tekst korter en probeer opnieuw; wat eerder bewaard werd, blijft bewaard."),
    500: lambda: _("Er liep iets mis aan onze kant. Wat eerder bewaard werd, blijft bewaard. Probeer het straks opnieuw."),
}


def init_app(app: Flask) -> None:
    """Show every HTTP error as a Dutch page with the right status code."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = MESSAGES.get(error.code, MESSAGES[400])()
        return render_template("errors/error.html", code=error.code, message=message), error.code
