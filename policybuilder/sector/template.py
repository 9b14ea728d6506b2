"""Sector templates: a federation's named, versioned overlay on the protocol schema.

Pure data and checks, no Flask. A template gives questions a default answer
(in the answers format), suggested wording, help and a state (open, locked,
hidden); it adds clauses, sector contacts and a house style.

Every text is in Dutch and French: ``{nl, fr}`` for help, suggestions and clauses, and for the
wording in defaults and contacts (a text question's default, a group row's text field). Versions
stored before French hold Dutch-only texts (plain Dutch wording): they are still read, and a
document in French treats that wording like an untranslated typed answer.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import operator
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ..answers import AnswersError, answers_language, validate_answers
from ..schema import FACTS, PLACEHOLDER, Clause, Question, Schema, _clause, load_json_schema, unknown_fact
from ..validation import MAX_ITEMS, MISSING, TOP, capped, content_problems, count, text_size
from .errors import TemplateError

FORMAT = 1
# All texts of a template together: a member's PDF with every clause at this size still renders in seconds.
MAX_TEMPLATE_CHARS = 60000
FIXED_STATES = frozenset({"locked", "hidden"})  # the template value always applies
LANGS = ("nl", "fr")


@dataclass(frozen=True)
class QuestionOverlay:
    """The template's say on one question; ``default`` None means the schema's default applies."""

    state: str = "open"
    default: Any = None
    suggestion: dict[str, str] | None = None
    help: dict[str, str] | None = None


@dataclass(frozen=True)
class TemplateStyle:
    """House style overlay; None leaves the product's own value."""

    logo: str | None = None  # "logo.png" or "logo.svg" inside the package
    primary_colour: str | None = None
    font: str | None = None
    cover_text: str | None = None
    footer_text: str | None = None


@dataclass(frozen=True)
class Template:
    """One version of a federation's template."""

    name: str
    federation: str
    version: int
    release_notes: str = ""
    questions: dict[str, QuestionOverlay] = field(default_factory=dict)  # "element.question" -> overlay
    clauses: dict[str, tuple[Clause, ...]] = field(default_factory=dict)  # element key -> extra clauses
    contacts_target: str | None = None  # the group question the contacts are added to
    contacts: tuple[dict, ...] = ()
    style: TemplateStyle = field(default_factory=TemplateStyle)


# Where template.schema.json sets the length of each text the federation editor asks for.
TEXT_FIELDS = {
    "name": ("properties", "name"),
    "release_notes": ("properties", "release_notes"),
    "text": ("$defs", "text", "allOf", 1, "properties", "nl"),
    "heading": ("$defs", "title", "allOf", 1, "properties", "nl"),
    "reference": ("$defs", "clause", "allOf", 1, "properties", "basis", "properties", "ref"),
    "cover_text": ("$defs", "style", "properties", "cover_text"),
    "footer_text": ("$defs", "style", "properties", "footer_text"),
}


def text_limits() -> dict[str, int]:
    """The most characters template.json allows for each text the editor asks for (keys of TEXT_FIELDS)."""
    meta = load_json_schema("template.schema.json")
    return {name: functools.reduce(operator.getitem, path, meta)["maxLength"] for name, path in TEXT_FIELDS.items()}


@functools.cache
def _json_schemas() -> dict[bool, dict]:
    """The JSON Schema of template.json (element.schema.json bundled for its clause $refs), by ``complete``: False makes French optional."""
    strict = load_json_schema("template.schema.json")
    strict["$defs"]["element"] = {**load_json_schema("element.schema.json"), "$id": "element.schema.json"}
    lenient = copy.deepcopy(strict)
    for where in (lenient["$defs"]["text"]["allOf"][1], lenient["$defs"]["title"]["allOf"][1], lenient["$defs"]["element"]["$defs"]["text"]):
        where["required"] = ["nl"]
    return {True: strict, False: lenient}


def template_from_json(data: Any, schema: Schema, fonts: Collection[str], complete: bool = False) -> Template:
    """Check template JSON against the rules for all content, its JSON Schema and ``schema``; TemplateError lists every problem.

    ``complete``: every text must be in Dutch and French (a package, a version to publish); otherwise
    Dutch-only texts pass, as in versions stored before French and in a draft being translated.
    """
    problems = content_problems(data, _json_schemas()[complete])
    if not problems and (size := text_size(data)) > MAX_TEMPLATE_CHARS:
        problems = [f"{TOP}: " + _("de teksten van het sjabloon zijn samen te lang (%(size)s tekens, max %(max)s)",
                                      size=count(size), max=count(MAX_TEMPLATE_CHARS))]
    if problems:  # the answers the template gives are checked as well, so that the list is complete
        raise TemplateError(capped(list(dict.fromkeys(problems + _raw_answer_problems(data, schema, complete)))))
    data = copy.deepcopy(data)
    template = Template(
        name=data["name"],
        federation=data["federation"],
        version=data["version"],
        release_notes=data.get("release_notes", ""),
        questions={ref: QuestionOverlay(**overlay) for ref, overlay in data["questions"].items()},
        clauses={key: tuple(_clause(c) for c in clauses) for key, clauses in data.get("clauses", {}).items()},
        contacts_target=data.get("contacts_target"),
        contacts=tuple(data.get("contacts", ())),
        style=TemplateStyle(**data.get("style", {})),
    )
    problems = _question_problems(template, schema, complete) + _clause_problems(template, schema)
    problems += _contacts_problems(template, schema, complete)
    if template.style.font is not None and template.style.font not in fonts:
        problems.append("style/font: " + _("lettertype %(font)s wordt niet meegeleverd (kies uit %(fonts)s)",
                                             font=repr(template.style.font), fonts=", ".join(sorted(fonts))))
    if problems:
        raise TemplateError(capped(problems))
    return template


def template_to_json(template: Template) -> dict:
    """The canonical JSON of ``template``: template_from_json of it gives the same template."""
    data = {
        "format": FORMAT,
        "name": template.name,
        "federation": template.federation,
        "version": template.version,
        "release_notes": template.release_notes,
        "questions": {ref: _present(dataclasses.asdict(o)) for ref, o in sorted(template.questions.items())},
        "style": _present(dataclasses.asdict(template.style)),
    }
    if template.clauses:
        data["clauses"] = {key: [_clause_json(c) for c in clauses] for key, clauses in sorted(template.clauses.items())}
    if template.contacts_target:
        data["contacts_target"] = template.contacts_target
        data["contacts"] = list(template.contacts)
    return copy.deepcopy(data)


def state(template: Template, ref: str) -> str:
    """The state of question ``ref`` in ``template`` (open unless the template says otherwise)."""
    return template.questions.get(ref, QuestionOverlay()).state


def locked_refs(template: Template) -> frozenset[str]:
    """The questions members see but cannot change."""
    return frozenset(ref for ref, overlay in template.questions.items() if overlay.state == "locked")


def hidden_refs(template: Template) -> frozenset[str]:
    """The questions members are not asked; the template value is used."""
    return frozenset(ref for ref, overlay in template.questions.items() if overlay.state == "hidden")


def valued_refs(template: Template) -> frozenset[str]:
    """The questions for which the template gives a value: a default or the sector contacts."""
    refs = {ref for ref, overlay in template.questions.items() if overlay.default is not None}
    return frozenset(refs | ({template.contacts_target} if template.contacts_target else set()))


def has_wording(question: Question) -> bool:
    """True when a template value of ``question`` is wording: a translated text, or a group with a translated field."""
    return question.translatable or any(f.translatable for f in question.fields)


def in_language(question: Question, value: Any, lang: str, fallback: bool = True) -> Any:
    """A template value in ``lang``: each {nl, fr} in it (a text, a group row's field) gives that language's text.

    Dutch-only wording, as stored before French, stays Dutch in every language (without ``fallback``: empty).
    """
    if question.type == "group" and isinstance(value, list):
        fields = {f.id: f for f in question.fields}
        return [{key: _pick(fields.get(key), field, lang, fallback) for key, field in row.items()} if isinstance(row, dict) else row
                for row in value]
    return _pick(question, value, lang, fallback)


def _pick(question: Question | None, value: Any, lang: str, fallback: bool) -> Any:
    if isinstance(value, dict):
        return value.get(lang, value.get("nl") if fallback else "")
    if not fallback and lang != "nl" and isinstance(value, str) and question is not None and question.translatable:
        return ""
    return value


def untranslated(question: Question, value: Any, where: str) -> list[str]:
    """The places in a template value of ``question`` whose wording has no French (an empty text needs none)."""
    if question.type == "group":
        rows = value if isinstance(value, list) else []
        return [place for n, row in enumerate(rows) if isinstance(row, dict)
                for f in question.fields if f.translatable and (place := _without_french(row.get(f.id), f"{where}/{n}/{f.id}"))]
    place = _without_french(value, where) if question.translatable else None
    return [place] if place else []


def _without_french(value: Any, where: str) -> str | None:
    if isinstance(value, dict):
        french = value.get("fr")
        return None if isinstance(french, str) and french.strip() else f"{where}/fr"
    return where if isinstance(value, str) and value.strip() else None


def template_value(template: Template, schema: Schema, ref: str, lang: str = "nl") -> Any:
    """The value the template gives ``ref`` in ``lang``: its default (else the schema's), plus the sector contacts."""
    overlay, question = template.questions.get(ref), schema.question(ref)
    base = in_language(question, overlay.default, lang) if overlay and overlay.default is not None else question.default_value(lang)
    if ref == template.contacts_target:
        base = [*(base or []), *in_language(question, list(template.contacts), lang)]
    return copy.deepcopy(base)


def translated_refs(template: Template, schema: Schema) -> frozenset[str]:
    """The valued questions whose template wording is complete in French (all of them, bar versions stored before French)."""
    refs = set()
    for ref in valued_refs(template):
        question, overlay = schema.question(ref), template.questions.get(ref)
        if overlay and overlay.default is not None and untranslated(question, overlay.default, ref):
            continue
        if ref == template.contacts_target and untranslated(question, list(template.contacts), ref):
            continue
        refs.add(ref)
    return frozenset(refs)


def set_answer(answers: dict, ref: str, value: Any) -> None:
    """Store ``value`` as the answer to ``element.question`` in ``answers`` (in place)."""
    element_key, _, question_id = ref.partition(".")
    answers.setdefault(element_key, {})[question_id] = value


def apply_defaults(template: Template, answers: dict, schema: Schema) -> dict:
    """The member's answers with the template values (in the answers' language) filled in: open ones where unanswered, locked and hidden always."""
    result = copy.deepcopy(answers)
    lang = answers_language(schema, answers)
    for ref in sorted(valued_refs(template)):
        element_key, _, question_id = ref.partition(".")
        if question_id not in result.get(element_key, {}) or state(template, ref) in FIXED_STATES:
            set_answer(result, ref, template_value(template, schema, ref, lang))
    return result


def check_locked(template: Template, element_key: str, submitted: dict, schema: Schema, lang: str = "nl") -> list[str]:
    """The locked or hidden questions of one step whose submitted value differs from the template's (in ``lang``)."""
    changed = []
    for ref in sorted(locked_refs(template) | hidden_refs(template)):
        step, _, question_id = ref.partition(".")
        if step == element_key and question_id in submitted:
            if submitted[question_id] != template_value(template, schema, ref, lang):
                changed.append(ref)
    return changed


def extend_schema(template: Template, schema: Schema) -> Schema:
    """``schema`` with the template's clauses appended to their elements and its bilingual wording as the questions' defaults.

    An answer equal to the template's wording in one language is thus the default, which a document in the
    other language gives in its own words; Dutch-only wording (stored before French) leaves the product's default.
    """
    defaults = {ref: {lang: template_value(template, schema, ref, lang) for lang in LANGS}
                for ref in translated_refs(template, schema) if has_wording(schema.question(ref))}
    return Schema(
        tuple(
            dataclasses.replace(
                element,
                questions=tuple(
                    dataclasses.replace(q, default=defaults[ref]) if (ref := f"{element.key}.{q.id}") in defaults else q
                    for q in element.questions
                ),
                clauses=element.clauses + template.clauses.get(element.key, ()),
            )
            for element in schema.elements
        )
    )


def _present(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def _clause_json(clause: Clause) -> dict:
    when = [_present({"q": c.question, "op": c.op, "value": c.value}) for c in clause.when]
    return _present(
        {
            "id": clause.id,
            "kind": clause.kind,
            "heading": clause.heading,
            "text": clause.text,
            "items": list(clause.items) or None,
            "source": clause.source,
            "when": when or None,
            "basis": clause.basis,
        }
    )


def _lookup(schema: Schema, ref: str) -> Question | None:
    try:
        return schema.question(ref)
    except KeyError:
        return None


def _fits(schema: Schema, ref: str, value: Any, where: str) -> list[str]:
    """Why ``value`` is no valid answer to ``ref``, each problem placed under ``where``."""
    element_key, _, question_id = ref.partition(".")
    try:
        validate_answers(schema, {element_key: {question_id: value}})
    except AnswersError as exc:
        return [where + problem.removeprefix(f"{element_key}/{question_id}") for problem in exc.problems]
    return []


def _value_problems(schema: Schema, ref: str, value: Any, where: str, complete: bool) -> list[str]:
    """Why ``value`` is no valid template value of ``ref`` (in each language); ``complete``: its wording needs French too."""
    question = schema.question(ref)
    if not has_wording(question):
        return _fits(schema, ref, value, where)
    problems = _fits(schema, ref, in_language(question, value, "nl"), where)
    for problem in _fits(schema, ref, in_language(question, value, "fr"), where):
        path, _colon, why = problem.partition(": ")
        if problem not in problems:
            problems.append(f"{path}/fr: {why}")
    problems += [f"{place}: {_language_problem(key)}" for place, key in _language_keys(question, value, where)]
    if complete:
        write = _("de Franse tekst ontbreekt (schrijf %(example)s)", example='{"nl": …, "fr": …}')
        problems += [f"{place}: {MISSING['fr'] if place.endswith('/fr') else write}" for place in untranslated(question, value, where)]
    return problems


def _language_keys(question: Question, value: Any, where: str) -> list[tuple[str, str]]:
    """The wording objects in ``value`` with a key other than nl and fr, or without nl."""
    if question.type == "group":
        found = [(f"{where}/{n}/{key}", field) for n, row in enumerate(value if isinstance(value, list) else [])
                 if isinstance(row, dict) for key, field in row.items()]
    else:
        found = [(where, value)]
    return [(place, key) for place, wording in found if isinstance(wording, dict)
            for key in ([*(k for k in wording if k not in LANGS)] + ([] if "nl" in wording else ["nl"]))]


def _language_problem(key: str) -> str:
    return str(MISSING["nl"]) if key == "nl" else _("onbekende taal %(key)s (toegelaten: nl, fr)", key=repr(key))


def _raw_answer_problems(data: Any, schema: Schema, complete: bool) -> list[str]:
    """The problems of the defaults and contacts in template JSON that has other problems too (so read with care)."""
    if not isinstance(data, dict):
        return []
    problems = []
    questions = data.get("questions")
    if isinstance(questions, dict) and len(questions) <= MAX_ITEMS:
        for ref, overlay in questions.items():
            if isinstance(overlay, dict) and overlay.get("default") is not None and _lookup(schema, ref) is not None:
                problems.extend(_value_problems(schema, ref, overlay["default"], f"questions/{ref}/default", complete))
    target = data.get("contacts_target")
    if isinstance(target, str) and getattr(_lookup(schema, target), "type", None) == "group" and isinstance(data.get("contacts"), list):
        problems.extend(_value_problems(schema, target, data["contacts"], "contacts", complete))
    return problems


def _question_problems(template: Template, schema: Schema, complete: bool) -> list[str]:
    problems = []
    for ref, overlay in sorted(template.questions.items()):
        if _lookup(schema, ref) is None:
            problems.append(f"questions/{ref}: " + _("onbekende vraag %(ref)s", ref=repr(ref)))
        elif overlay.default is not None:
            problems.extend(_value_problems(schema, ref, overlay.default, f"questions/{ref}/default", complete))
    return problems


def _clause_refs(clause: Clause) -> list[str]:
    refs = [condition.question for condition in clause.when]
    for wording in (clause.text, clause.heading, *clause.items):
        for lang_text in (wording or {}).values():
            refs.extend(f"{e}.{q}" for e, q in PLACEHOLDER.findall(lang_text))
    return [ref for ref in refs if not ref.startswith(f"{FACTS}.") or unknown_fact(ref)]  # known {facts.name} are fine


def _clause_problems(template: Template, schema: Schema) -> list[str]:
    problems = []
    for key, clauses in sorted(template.clauses.items()):
        if key not in schema.keys:
            problems.append(f"clauses/{key}: " + _("onbekend onderdeel %(key)s", key=repr(key)))
            continue
        element = schema.element(key)
        taken = {q.id for q in element.questions} | {c.id for c in element.clauses}
        for clause in clauses:
            where = f"clauses/{key}/{clause.id}"
            if clause.id in taken:
                problems.append(f"{where}: " + _("id %(id)s is al in gebruik in onderdeel %(key)s", id=repr(clause.id), key=repr(key)))
            taken.add(clause.id)
            problems.extend(f"{where}: " + _("onbekende vraag %(ref)s", ref=repr(ref)) for ref in _clause_refs(clause) if not _lookup(schema, ref))
            if clause.source and getattr(_lookup(schema, clause.source), "type", None) != "group":
                problems.append(f"{where}/source: " + _("%(ref)s is geen groepsvraag", ref=repr(clause.source)))
    return problems


def _contacts_problems(template: Template, schema: Schema, complete: bool) -> list[str]:
    target = template.contacts_target
    if target is None:
        return []
    if getattr(_lookup(schema, target), "type", None) != "group":
        return ["contacts_target: " + _("%(ref)s is geen groepsvraag", ref=repr(target))]
    return _value_problems(schema, target, list(template.contacts), "contacts", complete) or list(dict.fromkeys(
        problem for lang in LANGS for problem in _fits(schema, target, template_value(template, schema, target, lang), "contacts")
    ))
