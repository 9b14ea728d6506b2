"""Read an answers file (JSON) and check it against the schema, for the render and batch commands."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from ..answers import AnswersError, validate_answers
from ..schema import Schema
from ..validation import ContentError, parse_json

MAX_FILE_BYTES = 5 * 1024 * 1024  # far above any answers the wizard can hold


class AnswersFileError(ValueError):
    """An answers file is missing, unreadable, not JSON or does not fit the schema; the message says which."""


def load_answers(path: Path, schema: Schema) -> dict:
    """The answers in ``path``, validated by the rules for all content; AnswersFileError with a Dutch reason otherwise."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise AnswersFileError(_("groter dan %(mb)s MB; een antwoordbestand is veel kleiner", mb=MAX_FILE_BYTES // (1024 * 1024)))
        answers = parse_json(raw.decode("utf-8"))
    except FileNotFoundError:
        raise AnswersFileError(_("bestand niet gevonden")) from None
    except UnicodeDecodeError as exc:
        raise AnswersFileError(_("geen UTF-8-tekst (byte %(n)s)", n=exc.start)) from None
    except OSError as exc:
        raise AnswersFileError(_("kan niet gelezen worden (%(error)s)", error=exc.strerror or exc)) from None
    except ContentError as exc:
        raise AnswersFileError(exc.problems[0]) from None
    try:
        validate_answers(schema, answers)
    except AnswersError as exc:
        raise AnswersFileError(_("ongeldige antwoorden: %(error)s", error=exc)) from None
    return answers
