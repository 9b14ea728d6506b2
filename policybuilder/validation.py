"""One set of rules for content from outside the wizard: answers files, template packages and drafts.

JSON Schema says what it can (maxLength, maxItems, format: date); this module adds what it cannot
(nesting depth checked before the JSON is parsed, control characters, a total size) and words every
problem as one Dutch line that names its place, e.g. ``clauses/procedure/3/text/nl: te lang
(4.800.000 tekens, max 5.000)``. No Flask: the sector package, the answers and the commands share it.
"""
from __future__ import annotations

import json
import math
import re
import reprlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

from .schema import CONTROL_CHARS

MAX_DEPTH = 12  # the deepest real content (a condition's list value in a clause) is 6 levels
MAX_ITEMS = 1000  # entries of any one list or object; the JSON Schemas set tighter limits where they know more
MAX_TEXT = 20000  # characters of any one text: the longest text the wizard or the editor accepts
MAX_NUMBER = 10**15
MAX_PROBLEMS = 25  # a refusal lists at most this many problems, then says how many more there are
TOP = "(hoofdniveau)"
JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother, SHORT.maxlong = 2, 4, 4, 40, 40, 40
# A missing language of a text ({nl, fr}) is named: "…/text/fr: de Franse tekst ontbreekt".
MISSING = {"nl": "de Nederlandse tekst ontbreekt", "fr": "de Franse tekst ontbreekt"}
TYPE_NAMES = {
    "string": "tekst", "integer": "geheel getal", "number": "getal", "boolean": "ja/nee (true of false)",
    "array": "lijst", "object": "object", "null": "null",
}


class ContentError(ValueError):
    """Content breaks the rules; ``problems`` lists every problem, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def count(number: int) -> str:
    """A number the Belgian way: 4.800.000."""
    return f"{number:,}".replace(",", ".")


def place(path: Iterable[Any]) -> str:
    """A path in the data as text: clauses/procedure/3/text."""
    return "/".join(str(part) for part in path) or TOP


def capped(problems: list[str]) -> list[str]:
    """At most MAX_PROBLEMS problems, plus a line saying how many were left out."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"… en nog {count(len(problems) - MAX_PROBLEMS)} problemen."]


def parse_json(text: str, name: str = "") -> Any:
    """Parse JSON text (of file ``name``) after checking its nesting depth on the raw text; ContentError says what is wrong."""
    invalid = f"{name} is geen geldige JSON" if name else "geen geldige JSON"
    depth = 0
    for token in JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                raise ContentError([f"{name or TOP}: te diep genest (meer dan {MAX_DEPTH} niveaus, regel {line})"])
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ContentError([f"{invalid} (regel {exc.lineno}, kolom {exc.colno}: {exc.msg})"]) from None
    except (ValueError, RecursionError) as exc:  # NaN, an integer of thousands of digits
        raise ContentError([f"{invalid} ({str(exc)[:120]})"]) from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is geen getal dat JSON toelaat")


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
            problems.append((where, f"te diep genest (meer dan {MAX_DEPTH} niveaus)", True))
        elif isinstance(node, (list, dict)) and len(node) > MAX_ITEMS:
            problems.append((where, f"te veel elementen ({count(len(node))}, max {count(MAX_ITEMS)})", True))
        elif isinstance(node, dict):
            problems.extend((where, f"naam {_short(key)}: {why}", True) for key in node if (why := text_problem(key)))
            stack.extend(((*path, key), child) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*path, index), child) for index, child in reversed(list(enumerate(node))))
        elif isinstance(node, str):
            if why := text_problem(node):
                problems.append((where, why, False))
        elif isinstance(node, bool) or node is None:
            pass
        elif isinstance(node, int) and abs(node) > MAX_NUMBER:
            problems.append((where, f"getal te groot (max {count(MAX_NUMBER)})", True))
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append((where, "geen geldig getal", True))
        elif not isinstance(node, (int, float)):
            problems.append((where, f"ongeldige waarde van het type {type(node).__name__}", True))
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
        return "een naam moet tekst zijn"
    if len(text) > MAX_TEXT:
        return f"te lang ({count(len(text))} tekens, max {count(MAX_TEXT)})"
    if found := CONTROL_CHARS.search(text):
        return f"bevat een onzichtbaar stuurteken (U+{ord(found.group()):04X}) op positie {found.start() + 1}"
    return None


def schema_problems(data: Any, json_schema: dict) -> list[str]:
    """Every place where ``data`` breaks ``json_schema`` (dates must exist), in Dutch."""
    import jsonschema  # imported when content is checked, not at every start of the app or the command line

    validator = jsonschema.Draft202012Validator(json_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for error in validator.iter_errors(data):
        for leaf in _leaves(error):
            problems.extend(_dutch(leaf))
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
            return TYPE_NAMES[name]
    return type(value).__name__


def _dutch(error: ValidationError) -> Iterator[str]:
    """One Dutch line per problem in ``error``, each naming its place."""
    where, kind, limit, value = place(error.absolute_path), error.validator, error.validator_value, error.instance
    if kind == "required":
        yield from (f"{place([*error.absolute_path, name])}: {MISSING.get(name, 'ontbreekt')}" for name in limit if name not in value)
    elif kind == "additionalProperties":
        known = error.schema.get("properties", {})
        yield from (f"{place([*error.absolute_path, name])}: onbekend veld" for name in value if name not in known)
    elif kind == "dependentRequired":
        yield from (f"{where}: {', '.join(need)} ontbreekt (hoort bij {name})" for name, need in limit.items()
                    if name in value and any(n not in value for n in need))
    else:
        yield f"{where}: {_sentence(kind, limit, value)}"


def _sentence(kind: str, limit: Any, value: Any) -> str:
    sized = len(value) if isinstance(value, (str, list, dict)) else 0
    sentences = {
        "maxLength": lambda: f"te lang ({count(sized)} tekens, max {count(limit)})",
        "minLength": lambda: "mag niet leeg zijn" if limit == 1 else f"te kort (min {count(limit)} tekens)",
        "maxItems": lambda: f"te veel elementen ({count(sized)}, max {count(limit)})",
        "minItems": lambda: "mag niet leeg zijn" if limit == 1 else f"te weinig elementen (min {count(limit)})",
        "maxProperties": lambda: f"te veel velden ({count(sized)}, max {count(limit)})",
        "minProperties": lambda: "mag niet leeg zijn",
        "maximum": lambda: f"te groot ({_short(value)}, max {count(limit)})",
        "minimum": lambda: f"te klein ({_short(value)}, min {count(limit)})",
        "format": lambda: f"geen bestaande datum ({_short(value)}; schrijf JJJJ-MM-DD)" if limit == "date" else f"geen geldige {limit}",
        "pattern": lambda: f"heeft niet de verwachte vorm ({_short(value)})",
        "type": lambda: f"verwacht {' of '.join(TYPE_NAMES.get(t, t) for t in ([limit] if isinstance(limit, str) else limit))}, niet {_type_of(value)}",
        "enum": lambda: f"onbekende waarde {_short(value)} (kies uit: {', '.join(map(str, limit[:12]))})",
        "const": lambda: f"moet {limit!r} zijn, niet {_short(value)}",
        "uniqueItems": lambda: "bevat dezelfde waarde meer dan eens",
        "propertyNames": lambda: f"ongeldige naam {_short(value)}",
        "not": lambda: "deze waarde is hier niet toegelaten",
    }
    return sentences.get(kind, lambda: f"ongeldige waarde {_short(value)}")()
