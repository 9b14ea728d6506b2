"""The document's own texts (schemas/document.yaml): title, labels, introduction and annexes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..schema import PLACEHOLDER, SCHEMA_DIR, Condition, SchemaError, check_file_data, unknown_fact, validated_yaml
from .errors import TemplateError


@dataclass(frozen=True)
class Block:
    """One block of the introduction or an annex; like an element clause, but tables are literal."""

    kind: str
    heading: dict[str, str] | None = None
    text: dict[str, str] | None = None
    items: tuple[dict[str, str], ...] = ()
    columns: tuple[dict[str, str], ...] = ()
    rows: tuple[tuple[dict[str, str] | None, ...], ...] = ()
    source: str | None = None
    fields: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()
    form: bool = False
    when: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Part:
    id: str
    title: dict[str, str]
    blocks: tuple[Block, ...]
    one_page: bool = False


@dataclass(frozen=True)
class DocumentTexts:
    title: dict[str, str]
    cover_text: dict[str, str]
    labels: dict[str, dict[str, str]]
    control: dict[str, dict[str, str]]
    intro: Part
    annexes: tuple[Part, ...]
    phrases: dict[str, dict[str, str]]
    law_date: str = ""
    staff_card: Part | None = None


def parse_texts(data: Any, schema_dir: Path = SCHEMA_DIR) -> DocumentTexts:
    """Validate ``data`` against document.schema.json and turn it into DocumentTexts."""
    try:
        check_file_data(data, "document", schema_dir)
    except SchemaError as exc:
        raise TemplateError(str(exc)) from exc
    return _texts(data)


def _texts(data: dict) -> DocumentTexts:
    """DocumentTexts of valid data: every {facts.name} must name a fact (TemplateError names the field)."""
    _check_facts(data)
    return DocumentTexts(
        title=data["title"],
        cover_text=data.get("cover_text", {}),
        labels=data["labels"],
        control=data.get("control", {}),
        intro=_part(data["intro"]),
        annexes=tuple(_part(part) for part in data["annexes"]),
        staff_card=_part(data["staff_card"]) if "staff_card" in data else None,
        phrases=data["phrases"],
        law_date=str(data["law_date"]),
    )


def _check_facts(node: Any, where: str = "") -> None:
    """Every {facts.name} in the document texts must name a fact; TemplateError names the field."""
    if isinstance(node, str):
        for element_key, name in PLACEHOLDER.findall(node):
            if unknown_fact(f"{element_key}.{name}"):
                raise TemplateError(f"document.yaml: field {where.lstrip('/')}: unknown fact {name!r}")
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_facts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_facts(value, f"{where}/{index}")


@lru_cache(maxsize=4)
def load_texts(schema_dir: Path = SCHEMA_DIR) -> DocumentTexts:
    """The shipped document texts, read and validated once (the check kept for the next start: schema.keep_validated_in)."""
    try:
        return _texts(validated_yaml("document", schema_dir))
    except SchemaError as exc:
        raise TemplateError(str(exc)) from exc


def _part(data: dict) -> Part:
    return Part(data["id"], data["title"], tuple(_block(b) for b in data["blocks"]), data.get("one_page", False))


def _block(data: dict) -> Block:
    return Block(
        kind=data["kind"],
        heading=data.get("heading"),
        text=data.get("text"),
        items=tuple(data.get("items", ())),
        columns=tuple(data.get("columns", ())),
        rows=tuple(tuple(row) for row in data.get("rows", ())),
        source=data.get("source"),
        fields=tuple(data.get("fields", ())),
        widths=tuple(data.get("widths", ())),
        form=data.get("form", False),
        when=tuple(Condition(c["q"], c["op"], c.get("value")) for c in data.get("when", ())),
    )
