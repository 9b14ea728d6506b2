"""The protocol document as plain data: what both renderers (Word and HTML/PDF) draw.

Nothing here knows of Word, HTML or Flask. Text is always plain text: a renderer
escapes it, it never interprets it as markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Union

from .errors import StyleError

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
FONT_NAME = re.compile(r"^[A-Za-z0-9 \-]{1,60}$")


@dataclass(frozen=True)
class Run:
    """A piece of text with one emphasis; ``placeholder`` marks a missing answer.

    ``lang`` names the language of an answer quoted as typed when it is not the document's ("nl" in a French
    document); ``superscript`` is a note number.
    """

    text: str
    bold: bool = False
    italic: bool = False
    placeholder: bool = False
    lang: str = ""
    superscript: bool = False


Inline = tuple[Run, ...]


def plain(inline: Inline) -> str:
    """The text of ``inline`` without emphasis."""
    return "".join(run.text for run in inline)


@dataclass(frozen=True)
class Heading:
    level: int  # 2 or 3 inside a section; the section title itself is level 1
    text: str
    anchor: str


@dataclass(frozen=True)
class Paragraph:
    runs: Inline


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    """Column headers and rows of cells; ``widths`` are relative column widths."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    widths: tuple[int, ...] = ()
    form: bool = False  # a form to fill in by hand: tall empty cells


@dataclass(frozen=True)
class NoteBox:
    runs: Inline
    title: str = ""


@dataclass(frozen=True)
class LanguageNote:
    """After a paragraph, list or table: an answer given in the other language only, quoted as typed."""

    runs: Inline


@dataclass(frozen=True)
class Figure:
    image: bytes
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class ControlBlock:
    """The document-control block: one labelled value per row."""

    title: str
    rows: tuple[tuple[str, Inline], ...]


Block = Union[Heading, Paragraph, BulletList, NumberedList, Table, NoteBox, LanguageNote, Figure, ControlBlock]


@dataclass(frozen=True)
class Section:
    """A chapter or annex: a level-1 title that starts a new page, then its blocks."""

    anchor: str
    title: str
    blocks: tuple[Block, ...]
    kind: str = "chapter"  # "intro", "chapter" or "annex"
    keep_on_one_page: bool = False


DRAFT_VERSION = "concept"


@dataclass(frozen=True)
class DocumentMeta:
    """Facts about this version of the protocol; empty values become marked placeholders."""

    organisation: str
    title: str = ""
    version_label: str = DRAFT_VERSION  # printed as the document language's draft status (document.yaml's status_draft)
    date: date | None = None
    status: str = "draft"  # "draft" or "approved"
    drafted_by: str = ""
    approved_by_name: str = ""
    approved_by_function: str = ""
    consultation_body: str = ""
    consultation_date: date | None = None
    in_force_date: date | None = None
    next_review_date: date | None = None
    replaces_version: str = ""
    content_hash: str = ""  # of the version on record; its first 12 characters go in the footer
    self_approved: bool = False

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def is_draft(self) -> bool:
        """Every page is marked as a draft until the version is approved."""
        return self.status != "approved"


@dataclass(frozen=True)
class Style:
    """House style, the same value for the Word and the PDF renderer."""

    primary_colour: str = "#1F4E79"
    font_family: str = "Arial"
    logo: bytes | str | Path | None = None
    cover_text: str = ""
    footer_text: str = ""

    def __post_init__(self) -> None:
        if not HEX_COLOUR.match(self.primary_colour):
            raise StyleError(f"primary_colour: {self.primary_colour!r} is not a colour like #1F4E79")
        if not FONT_NAME.match(self.font_family):
            raise StyleError(f"font_family: {self.font_family!r} may hold only letters, digits, spaces and hyphens")

    def logo_bytes(self) -> bytes | None:
        """The logo as bytes (read from its path if a path was given)."""
        if self.logo is None or isinstance(self.logo, bytes):
            return self.logo
        try:
            return Path(self.logo).read_bytes()
        except OSError as exc:
            raise StyleError(f"logo: cannot read {self.logo} ({exc.strerror})") from exc


@dataclass(frozen=True)
class Document:
    """The whole protocol: cover facts, control block, sections; ``labels`` hold the fixed wording."""

    lang: str
    title: str
    meta: DocumentMeta
    cover_lines: tuple[tuple[str, Inline], ...]
    control: ControlBlock
    sections: tuple[Section, ...]
    labels: dict[str, str] = field(default_factory=dict)
    kind: str = "protocol"  # "protocol", or "card": the staff card alone, on one page

    @property
    def is_card(self) -> bool:
        return self.kind == "card"

    @property
    def header_text(self) -> str:
        """The running header: organisation and version (and the draft mark until approved)."""
        parts = [self.meta.organisation, f"{self.labels['version']} {self.meta.version_label}"]
        if self.meta.is_draft:
            parts.append(self.labels["draft_mark"])
        return " · ".join(parts)

    def footer_text(self, style: "Style") -> str:
        """The running footer: the house style's footer text and the version's short content hash."""
        parts = [style.footer_text]
        if self.meta.short_hash:
            parts.append(f"{self.labels['hash']}: {self.meta.short_hash}")
        return " · ".join(part for part in parts if part)

    def outline(self, depth: int = 1) -> list[tuple[int, str, str]]:
        """The table of contents: (level, title, anchor) for sections and, at depth 2, their level-2 headings."""
        entries = []
        for section in self.sections:
            entries.append((1, section.title, section.anchor))
            if depth > 1:
                entries.extend((2, b.text, b.anchor) for b in section.blocks if isinstance(b, Heading) and b.level == 2)
        return entries
