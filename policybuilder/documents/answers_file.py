"""Read an answers file (JSON) and check it against the schema, for the render and batch commands."""
from __future__ import annotations

import json
from pathlib import Path

from flask_babel import gettext as _

from ..answers import AnswersError, validate_answers
from ..schema import Schema


class AnswersFileError(ValueError):
    """An answers file is missing, unreadable, not JSON or does not fit the schema; the message says which."""


def load_answers(path: Path, schema: Schema) -> dict:
    """The answers in ``path``, validated against ``schema``; AnswersFileError with a Dutch reason otherwise."""
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnswersFileError(_("bestand niet gevonden")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(_("kan niet gelezen worden (%(error)s)", error=exc)) from None
    except json.JSONDecodeError as exc:
        raise AnswersFileError(
            _("geen geldige JSON (regel %(line)s, kolom %(column)s: %(error)s)", line=exc.lineno, column=exc.colno, error=exc.msg)
        ) from None
    try:
        validate_answers(schema, answers)
    except AnswersError as exc:
        raise AnswersFileError(_("ongeldige antwoorden: %(error)s", error=exc)) from None
    return answers
