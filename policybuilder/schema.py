"""The protocol's questions and clauses, loaded from the YAML files in ``schemas/``.

This module knows nothing of Flask: the wizard, the document builder and the
command line all read the same :class:`Schema`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
ELEMENT_ORDER = (
    "profile",
    "procedure",
    "contacts",
    "external_support",
    "communication",
    "reactions",
    "recovery",
    "monitoring",
    "learning",
)
PLACEHOLDER = re.compile(r"\{([a-z][a-z_]*)\.([a-z][a-z0-9_]*)\}")
FACTS = "facts"  # {facts.name} names a fact decided from the answers (policybuilder/document/facts.py)
TEXT_TYPES = frozenset({"text", "textarea"})
# Invisible control characters (tab and newlines are text), lone surrogates and the non-characters XML refuses.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 5000}  # characters, for text questions without max_length


class SchemaError(ValueError):
    """A schema file is missing, unreadable or does not match its JSON Schema."""


@dataclass(frozen=True)
class Option:
    value: str
    label: dict[str, str]


@dataclass(frozen=True)
class Question:
    """One question of a step, or one field of a repeatable group."""

    id: str
    type: str
    label: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    blank: dict[str, str] = field(default_factory=dict)
    required: bool = False
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    options: tuple[Option, ...] = ()
    fields: tuple["Question", ...] = ()
    max_items: int = 20
    default: Any = None
    translate: bool = True  # False: a language-neutral answer (name, phone, address, ...), shown as typed

    def default_value(self, lang: str = "nl") -> Any:
        """The default answer in ``lang`` (text and group defaults may be per language; group rows are copies)."""
        default = self.default
        if isinstance(default, dict):
            default = default.get(lang) or default.get("nl")
        if self.type == "group" and default:
            return [dict(row) for row in default]
        return default

    @property
    def translatable(self) -> bool:
        """True when a typed answer is wording in the answers' language (text or textarea, not ``translate: false``)."""
        return self.type in TEXT_TYPES and self.translate

    @property
    def length_limit(self) -> int:
        """The most characters a text answer may have (the wizard, answers files and templates alike)."""
        return self.max_length or DEFAULT_MAX_LENGTH[self.type]

    def derive(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``: a value derived from this question alone (a default-wording table), made once per question
        under ``key``, since a loaded question never changes."""
        try:
            return self._derived[key]
        except KeyError:
            made = self._derived[key] = make()
            return made

    @cached_property
    def _derived(self) -> dict:
        return {}

    def option_label(self, value: str, lang: str = "nl") -> str:
        """The label of the option ``value``, or the value itself if unknown."""
        for option in self.options:
            if option.value == value:
                return text(option.label, lang)
        return value


@dataclass(frozen=True)
class Condition:
    question: str  # "element.question"
    op: str
    value: Any = None


@dataclass(frozen=True)
class Clause:
    id: str
    kind: str
    heading: dict[str, str] | None = None
    text: dict[str, str] | None = None
    items: tuple[dict[str, str], ...] = ()
    source: str | None = None
    when: tuple[Condition, ...] = ()
    basis: dict[str, str] | None = None


@dataclass(frozen=True)
class Element:
    """A wizard step and a chapter of the document."""

    key: str
    order: int
    title: dict[str, str]
    guidance: dict[str, str]
    questions: tuple[Question, ...]
    clauses: tuple[Clause, ...]
    intro: dict[str, str] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        """The question ``question_id``; KeyError if this element has none."""
        try:
            return self._questions[question_id]
        except KeyError:
            raise KeyError(f"{self.key}.{question_id}") from None

    @cached_property
    def _questions(self) -> dict[str, Question]:
        """Question id -> question (the first one of a duplicated id, which the schema check refuses anyway)."""
        return {question.id: question for question in reversed(self.questions)}


@dataclass(frozen=True, eq=False)
class Schema:
    """The profile and the eight elements, in wizard order (compared and hashed by identity)."""

    elements: tuple[Element, ...]

    def element(self, key: str) -> Element:
        """The element ``key``; KeyError if there is none."""
        return self._elements[key]

    def question(self, ref: str) -> Question:
        """The question named ``element.question``; KeyError if there is none."""
        element_key, _, question_id = ref.partition(".")
        return self._elements[element_key].question(question_id)

    @cached_property
    def _elements(self) -> dict[str, Element]:
        """Element key -> element (looked up thousands of times a build)."""
        return {element.key: element for element in reversed(self.elements)}

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(element.key for element in self.elements)


def text(value: dict[str, str] | None, lang: str = "nl") -> str:
    """The wording of ``value`` in ``lang``, falling back to Dutch."""
    if not value:
        return ""
    return value.get(lang) or value["nl"]


#: libyaml's safe loader when PyYAML was built with it (ten times faster at start-up), else the pure-Python one.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a missing or malformed file raises SchemaError naming it."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=YAML_LOADER)
    except OSError as exc:
        raise SchemaError(f"{path}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path}: is not valid YAML ({exc})") from exc


def validate(data: Any, json_schema: dict, name: str, refers_to: dict[str, dict] | None = None) -> None:
    """Check ``data`` against ``json_schema`` (``refers_to``: the schemas it refers to, by name); SchemaError names the file and the field."""
    import jsonschema  # a tenth of a second to import; a start with a cached valid schema needs none of it
    from referencing import Registry, Resource

    registry = Registry()
    for uri, contents in (refers_to or {}).items():
        registry = registry.with_resources([(uri, Resource.from_contents(contents)), (contents.get("$id", uri), Resource.from_contents(contents))])
    validator = jsonschema.Draft202012Validator(json_schema, registry=registry)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise SchemaError(f"{name}: field {where}: {error.message}")


def load_json_schema(name: str, schema_dir: Path = SCHEMA_DIR) -> dict:
    """Load one of the JSON Schemas kept in ``schemas/``."""
    return json.loads((schema_dir / name).read_text(encoding="utf-8"))


#: Besides the files themselves, what decides whether schema files are valid: this module and the fact names.
VALIDATION_CODE = (Path(__file__), Path(__file__).parent / "document" / "facts.py")


def load_schema(schema_dir: Path = SCHEMA_DIR, cache: Path | None = None) -> Schema:
    """Load and validate the profile and the eight elements from ``schema_dir``.

    With ``cache`` (a JSON file), the data is read from it without validating again as long as the files and
    the validating code are byte for byte the ones it was validated from; any change validates everything again.
    """
    digest = _schema_digest(schema_dir)
    elements_data = _read_cache(cache, digest) if cache is not None and digest is not None else None
    if elements_data is None:
        elements_data = _validated_elements(schema_dir)
        if cache is not None and digest is not None:
            _write_cache(cache, digest, elements_data)
    elements = [_element(data) for data in elements_data]
    return Schema(tuple(sorted(elements, key=lambda element: element.order)))


def _validated_elements(schema_dir: Path) -> list[dict]:
    """The element files' data, in ELEMENT_ORDER, each checked against the JSON Schema and all references resolved."""
    meta = load_json_schema("element.schema.json", schema_dir)
    elements_data = []
    for key in ELEMENT_ORDER:
        path = schema_dir / "elements" / f"{key}.yaml"
        data = read_yaml(path)
        validate(data, meta, f"elements/{path.name}")
        if data["key"] != key:
            raise SchemaError(f"elements/{path.name}: field key: expected {key!r}, found {data['key']!r}")
        elements_data.append(data)
    elements = [_element(data) for data in elements_data]
    _check_references(Schema(tuple(sorted(elements, key=lambda element: element.order))))
    return elements_data


def _schema_digest(schema_dir: Path) -> str | None:
    """SHA-256 of the element files, their JSON Schema and the validating code; None if one cannot be read."""
    return _digest([*VALIDATION_CODE, schema_dir / "element.schema.json", *(schema_dir / "elements" / f"{key}.yaml" for key in ELEMENT_ORDER)])


def _digest(paths: list[Path]) -> str | None:
    """SHA-256 of the files at ``paths`` (names, lengths and bytes); None if one cannot be read."""
    digest = hashlib.sha256()
    try:
        for path in paths:
            content = path.read_bytes()
            digest.update(f"{path.name}:{len(content)}:".encode() + content)
    except OSError:
        return None  # validation names the unreadable file
    return digest.hexdigest()


#: Where the data of the other schema files (document texts, compliance rules, terms) is kept once checked: the
#: app's instance folder (set at start-up); None checks them at every first use.
_validated_folder: Path | None = None


def keep_validated_in(folder: Path | None) -> None:
    """Keep the checked data of schema files in ``folder``, so that the next process reads it without checking again."""
    global _validated_folder
    _validated_folder = folder


def validated_yaml(name: str, schema_dir: Path = SCHEMA_DIR) -> Any:
    """``schemas/<name>.yaml`` checked against ``<name>.schema.json`` (which may refer to element.schema.json).

    SchemaError names the file and the field. Read back without checking while the file, its JSON Schema and the
    checking code are byte for byte the ones it was checked with (kept where ``keep_validated_in`` says).
    """
    paths = [*VALIDATION_CODE, schema_dir / "element.schema.json", schema_dir / f"{name}.schema.json", schema_dir / f"{name}.yaml"]
    digest = _digest(paths) if _validated_folder is not None else None
    cache = _validated_folder / f"{name}-cache.json" if _validated_folder is not None else None
    data = _read_cache(cache, digest) if cache is not None and digest is not None else None
    if data is None:
        data = read_yaml(schema_dir / f"{name}.yaml")
        check_file_data(data, name, schema_dir)
        if cache is not None and digest is not None:
            _write_cache(cache, digest, data)
    return data


def check_file_data(data: Any, name: str, schema_dir: Path = SCHEMA_DIR) -> None:
    """Check ``data`` (as in ``schemas/<name>.yaml``) against ``<name>.schema.json``, which may refer to
    element.schema.json; SchemaError names the file and the field."""
    validate(data, load_json_schema(f"{name}.schema.json", schema_dir), f"{name}.yaml",
             {"element.schema.json": load_json_schema("element.schema.json", schema_dir)})


def _read_cache(cache: Path, digest: str) -> Any:
    """The data stored by ``_write_cache`` for exactly ``digest``, else None."""
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("digest") != digest or stored.get("data") is None:
        return None
    return stored["data"]


def _write_cache(cache: Path, digest: str, data: Any) -> None:
    """Store validated data under ``digest`` (atomically); skipped if JSON cannot hold it exactly or the folder is read-only."""
    try:
        content = json.dumps({"digest": digest, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):
        return  # YAML gave something JSON cannot hold (a date): always validate instead
    if json.loads(content)["data"] != data:
        return  # YAML gave something JSON changes (a non-string key): always validate instead
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.name, suffix=".tmp")
    except OSError:
        return  # no cache: the next start validates again
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(temporary, cache)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _question(data: dict) -> Question:
    return Question(
        id=data["id"],
        type=data["type"],
        label=data["label"],
        help=data.get("help", {}),
        blank=data.get("blank", {}),
        required=data.get("required", False),
        max_length=data.get("max_length"),
        min=data.get("min"),
        max=data.get("max"),
        options=tuple(Option(o["value"], o["label"]) for o in data.get("options", ())),
        fields=tuple(_question(f) for f in data.get("fields", ())),
        max_items=data.get("max_items", 20),
        default=data.get("default"),
        translate=data.get("translate", True),
    )


def _clause(data: dict) -> Clause:
    return Clause(
        id=data["id"],
        kind=data["kind"],
        heading=data.get("heading"),
        text=data.get("text"),
        items=tuple(data.get("items", ())),
        source=data.get("source"),
        when=tuple(Condition(c["q"], c["op"], c.get("value")) for c in data.get("when", ())),
        basis=data.get("basis"),
    )


def _element(data: dict) -> Element:
    return Element(
        key=data["key"],
        order=data["order"],
        title=data["title"],
        intro=data.get("intro", {}),
        guidance=data["guidance"],
        questions=tuple(_question(q) for q in data["questions"]),
        clauses=tuple(_clause(c) for c in data["clauses"]),
    )


def _check_references(schema: Schema) -> None:
    """Every placeholder, condition and table source must name a question that exists."""
    for element in schema.elements:
        where = f"elements/{element.key}.yaml"
        seen: set[str] = set()
        for question in element.questions:
            if question.id in seen:
                raise SchemaError(f"{where}: field questions: duplicate id {question.id!r}")
            seen.add(question.id)
        for clause in element.clauses:
            if clause.id in seen:
                raise SchemaError(f"{where}: field clauses: duplicate id {clause.id!r}")
            seen.add(clause.id)
            refs = [c.question for c in clause.when]
            if clause.source:
                refs.append(clause.source)
                if _lookup(schema, clause.source, where, clause.id).type != "group":
                    raise SchemaError(f"{where}: field clauses/{clause.id}/source: {clause.source} is not a group")
            for wording in (clause.text, clause.heading, *clause.items):
                for lang_text in (wording or {}).values():
                    refs.extend(f"{e}.{q}" for e, q in PLACEHOLDER.findall(lang_text))
            for ref in refs:
                _lookup(schema, ref, where, clause.id)
        for lang_text in element.intro.values():
            for ref in (f"{e}.{q}" for e, q in PLACEHOLDER.findall(lang_text)):
                _lookup(schema, ref, where, "intro")


def unknown_fact(ref: str) -> str | None:
    """For a ``facts.name`` reference: the name if no such fact exists, else None (also for question references)."""
    element_key, _, name = ref.partition(".")
    if element_key != FACTS:
        return None
    from .document.facts import FACT_NAMES  # the document package imports this module: import when called

    return None if name in FACT_NAMES else name


def _lookup(schema: Schema, ref: str, where: str, clause_id: str) -> Question | None:
    if ref.startswith(f"{FACTS}."):
        if name := unknown_fact(ref):
            raise SchemaError(f"{where}: field clauses/{clause_id}: unknown fact {name!r}")
        return None
    try:
        return schema.question(ref)
    except KeyError:
        raise SchemaError(f"{where}: field clauses/{clause_id}: unknown question {ref!r}") from None
