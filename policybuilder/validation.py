"""One set of rules for content from outside the wizard: answers files, template packages and drafts.

JSON Schema says what it can (maxLength, maxItems, format: date); this module adds what it cannot
(nesting depth checked before the JSON is parsed, control characters, a total size) and words every
problem as one line that names its place, e.g. ``clauses/procedure/3/text/nl: te lang
(4.800.000 tekens, max 5.000)``, through Flask-Babel's gettext: in the interface language during a request,
in Dutch outside one (the commands). The sector package, the answers and the commands share it.
"""
from __future__ import annotations

import json
import math
import re
import reprlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

from .schema import CONTROL_CHARS

MAX_DEPTH = 12  # the deepest real content (a condition's list value in a clause) is 6 levels
MAX_ITEMS = 1000  # entries of any one list or object; the JSON Schemas set tighter limits where they know more
MAX_TEXT = 20000  # characters of any one text: the longest text the wizard or the editor accepts
MAX_NUMBER = 10**15
MAX_PROBLEMS = 25  # a refusal lists at most this many problems, then says how many more there are
TOP = _l("(hoofdniveau)")
JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother, SHORT.maxlong = 2, 4, 4, 40, 40, 40
# A missing language of a text ({nl, fr}) is named: "…/text/fr: de Franse tekst ontbreekt".
MISSING = {"nl": _l("de Nederlandse tekst ontbreekt"), "fr": _l("de Franse tekst ontbreekt")}
TYPE_NAMES = {
    "string": _l("tekst"), "integer": _l("geheel getal"), "number": _l("getal"), "boolean": _l("ja/nee (true of false)"),
    "array": _l("lijst"), "object": _l("object"), "null": "null",
}


class ContentError(ValueError):
    """Content breaks the rules; ``problems`` lists every problem, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def count(number: int) -> str:
    """A number the Belgian way in the interface language (4.800.000, 4 800 000); in Dutch outside a request."""
    return format_decimal(number, locale=get_locale() or "nl_BE")


def place(path: Iterable[Any]) -> str:
    """A path in the data as text: clauses/procedure/3/text."""
    return "/".join(str(part) for part in path) or str(TOP)


def capped(problems: list[str]) -> list[str]:
    """At most MAX_PROBLEMS problems, plus a line saying how many were left out."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], _("… en nog %(number)s problemen.", number=count(len(problems) - MAX_PROBLEMS))]


def parse_json(text: str, name: str = "") -> Any:
    """Parse JSON text (of file ``name``) after checking its nesting depth on the raw text; ContentError says what is wrong."""
    invalid = _("%(name)s is geen geldige JSON", name=name) if name else _("geen geldige JSON")
    depth = 0
    for token in JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                why = _("te diep genest (meer dan %(levels)s niveaus, regel %(line)s)", levels=MAX_DEPTH, line=line)
                raise ContentError([f"{name or TOP}: {why}"])
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = _("regel %(line)s, kolom %(column)s", line=exc.lineno, column=exc.colno)
        raise ContentError([f"{invalid} ({where}: {exc.msg})"]) from None
    except (ValueError, RecursionError) as exc:  # NaN, an integer of thousands of digits
        raise ContentError([f"{invalid} ({str(exc)[:120]})"]) from None


def _no_constant(name: str) -> None:
    raise ValueError(_("%(name)s is geen getal dat JSON toelaat", name=name))


def tree_problems(data: Any) -> list[tuple[str, str, bool]]:
    """What breaks the rules for every value, as (place, why, blocking): depth, sizes, texts, control characters, numbers.

    A blocking problem (too deep, too many entries, a huge number, no JSON value) makes further checks pointless or costly.
    """
    problems = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        where = place(path)
        if len(path) > MAX_DEPTH:
            problems.append((where, _("te diep genest (meer dan %(levels)s niveaus)", levels=MAX_DEPTH), True))
        elif isinstance(node, (list, dict)) and len(node) > MAX_ITEMS:
            problems.append((where, _too_many(len(node), MAX_ITEMS), True))
        elif isinstance(node, dict):
            problems.extend((where, _("naam %(name)s: %(why)s", name=_short(key), why=why), True)
                            for key in node if (why := text_problem(key)))
            stack.extend(((*path, key), child) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, index), child) for index, child in reversed(list(enumerate(node))))
        elif isinstance(node, str):
            if why := text_problem(node):
                problems.append((where, why, False))
        elif isinstance(node, bool) or node is None:
            pass
        elif isinstance(node, int) and abs(node) > MAX_NUMBER:
            problems.append((where, _("getal te groot (max %(max)s)", max=count(MAX_NUMBER)), True))
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append((where, _("geen geldig getal"), True))
        elif not isinstance(node, (int, float)):
            problems.append((where, _("ongeldige waarde van het type %(type)s", type=type(node).__name__), True))
    return problems


def text_size(data: Any) -> int:
    """The characters of all texts (and names) in ``data`` together."""
    size, stack = 0, [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            size += len(node)
        elif isinstance(node, dict):
            size += sum(len(key) for key in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return size


def text_problem(text: Any) -> str | None:
    """Why a text may not be stored (too long, an invisible control character), or None."""
    if not isinstance(text, str):
        return _("een naam moet tekst zijn")
    if len(text) > MAX_TEXT:
        return _too_long(len(text), MAX_TEXT)
    if found := CONTROL_CHARS.search(text):
        return _("bevat een onzichtbaar stuurteken (%(code)s) op positie %(position)s",
                 code=f"U+{ord(found.group()):04X}", position=count(found.start() + 1))
    return None


def _too_long(size: int, limit: int) -> str:
    return _("te lang (%(size)s tekens, max %(max)s)", size=count(size), max=count(limit))


def _too_many(size: int, limit: int) -> str:
    return _("te veel elementen (%(size)s, max %(max)s)", size=count(size), max=count(limit))


def schema_problems(data: Any, json_schema: dict) -> list[str]:
    """Every place where ``data`` breaks ``json_schema`` (dates must exist), in the interface language."""
    import jsonschema  # imported when content is checked, not at every start of the app or the command line

    validator = jsonschema.Draft202012Validator(json_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for error in validator.iter_errors(data):
        for leaf in _leaves(error):
            problems.extend(_worded(leaf))
    return list(dict.fromkeys(problems))


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The telling errors below an anyOf: a value that may also be null is judged by its non-null form alone."""
    if not error.context:
        return [error]
    useful = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
    if useful and len({e.relative_schema_path[0] for e in useful}) == 1:  # all from one branch: every error there counts
        return [leaf for e in useful for leaf in _leaves(e)]
    from jsonschema.exceptions import best_match

    return _leaves(best_match(useful or error.context))


def content_problems(data: Any, json_schema: dict) -> list[str]:
    """Every problem: the rules for every value, then ``json_schema`` (skipped after a blocking problem) where those found none."""
    found = tree_problems(data)
    problems = [f"{where}: {why}" for where, why, _ in found]
    if any(blocking for *_, blocking in found):
        return problems
    taken = {where for where, *_ in found}
    return problems + [problem for problem in schema_problems(data, json_schema) if problem.partition(": ")[0] not in taken]


def _short(value: Any) -> str:
    return SHORT.repr(value)


def _type_of(value: Any) -> str:
    for name, cls in (("boolean", bool), ("null", type(None)), ("integer", int), ("number", float), ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, cls):
            return str(TYPE_NAMES[name])
    return type(value).__name__


def _worded(error: ValidationError) -> Iterator[str]:
    """One line per problem in ``error``, each naming its place."""
    where, kind, limit, value = place(error.absolute_path), error.validator, error.validator_value, error.instance
    if kind == "required":
        absent = _("ontbreekt")
        yield from (f"{place([*error.absolute_path, name])}: {MISSING.get(name, absent)}" for name in limit if name not in value)
    elif kind == "additionalProperties":
        known, unknown = error.schema.get("properties", {}), _("onbekend veld")
        yield from (f"{place([*error.absolute_path, name])}: {unknown}" for name in value if name not in known)
    elif kind == "dependentRequired":
        yield from (f"{where}: " + _("%(fields)s ontbreekt (hoort bij %(name)s)", fields=", ".join(need), name=name)
                    for name, need in limit.items() if name in value and any(n not in value for n in need))
    else:
        yield f"{where}: {_sentence(kind, limit, value)}"


def _sentence(kind: str, limit: Any, value: Any) -> str:
    sized = len(value) if isinstance(value, (str, list, dict)) else 0
    either = _(" of ")
    sentences = {
        "maxLength": lambda: _too_long(sized, limit),
        "minLength": lambda: _("mag niet leeg zijn") if limit == 1 else _("te kort (min %(min)s tekens)", min=count(limit)),
        "maxItems": lambda: _too_many(sized, limit),
        "minItems": lambda: _("mag niet leeg zijn") if limit == 1 else _("te weinig elementen (min %(min)s)", min=count(limit)),
        "maxProperties": lambda: _("te veel velden (%(size)s, max %(max)s)", size=count(sized), max=count(limit)),
        "minProperties": lambda: _("mag niet leeg zijn"),
        "maximum": lambda: _("te groot (%(value)s, max %(max)s)", value=_short(value), max=count(limit)),
        "minimum": lambda: _("te klein (%(value)s, min %(min)s)", value=_short(value), min=count(limit)),
        "format": lambda: (_("geen bestaande datum (%(value)s; schrijf JJJJ-MM-DD)", value=_short(value)) if limit == "date"
                           else _("geen geldige %(format)s", format=limit)),
        "pattern": lambda: _("heeft niet de verwachte vorm (%(value)s)", value=_short(value)),
        "type": lambda: _("verwacht %(expected)s, niet %(found)s",
                          expected=either.join(str(TYPE_NAMES.get(t, t)) for t in ([limit] if isinstance(limit, str) else limit)),
                          found=_type_of(value)),
        "enum": lambda: _("onbekende waarde %(value)s (kies uit: %(choices)s)", value=_short(value), choices=", ".join(map(str, limit[:12]))),
        "const": lambda: _("moet %(expected)s zijn, niet %(value)s", expected=repr(limit), value=_short(value)),
        "uniqueItems": lambda: _("bevat dezelfde waarde meer dan eens"),
        "propertyNames": lambda: _("ongeldige naam %(name)s", name=_short(value)),
        "not": lambda: _("deze waarde is hier niet toegelaten"),
    }
    return sentences.get(kind, lambda: _("ongeldige waarde %(value)s", value=_short(value)))()
