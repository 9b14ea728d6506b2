"""Turn a schema, the answers and the version's facts into a :class:`Document` (no I/O)."""
from __future__ import annotations

import dataclasses
import functools
import operator
import re
from datetime import date
from collections.abc import Callable
from typing import Any

from .. import compliance
from ..answers import BLANK_KEY, answer_text, answers_language, applies, format_date, is_empty, localised
from ..schema import FACTS, PLACEHOLDER, Clause, Element, Question, Schema, text
from .errors import TemplateError
from .facts import FACT_NAMES, FROM_ANSWERS, ITEM, MARKED, TAILORED, Facts, derive_facts
from .model import (
    DRAFT_VERSION,
    BulletList,
    ControlBlock,
    Document,
    DocumentMeta,
    Heading,
    Inline,
    LanguageNote,
    NoteBox,
    NumberedList,
    Paragraph,
    Run,
    Section,
    Table,
    plain,
)
from .texts import Block, DocumentTexts, Part, load_texts

WHOLE = re.compile(r"\s*(\*{0,2})\{[a-z][a-z_]*\.[a-z][a-z0-9_]*\}\1\s*")  # wording that is one placeholder alone
EMPHASIS = re.compile(r"\*\*(?P<bold>.+?)\*\*|\*(?P<italic>[^*\s][^*]*?)\*")
SENTENCE_END = re.compile(r"(^|[.!?:]\s*\n|[.!?])\s*$")
KEEP_CASE = frozenset({"profile.name"})  # names are printed as typed, also at the start of a sentence
FACTS_KNOWN = frozenset(FACT_NAMES)
# Which question a fact comes from, so that "left blank" on that question also blanks the fact.
FACT_SOURCES = {**FROM_ANSWERS, **TAILORED, "consultation_body": "profile.has_cpbw",
                **dict.fromkeys(("level_first", "level_second", "level_high", "level_top"), "procedure.severity_levels")}


def build_document(
    schema: Schema, answers: dict, meta: DocumentMeta, lang: str = "nl", template: DocumentTexts | None = None
) -> Document:
    """The whole protocol for ``answers``; ``template`` is the document texts (None: the shipped ones)."""
    return typeset(_Builder(schema, answers, lang, template or load_texts(), meta).document(meta))


def build_with_reads(
    schema: Schema, answers: dict, meta: DocumentMeta, lang: str = "nl", template: DocumentTexts | None = None,
    earlier: Reads | None = None,
) -> tuple[Document, Reads]:
    """build_document, and what each section read of the answers (see Reads).

    A section that reads the same answers and facts as in ``earlier`` (the Reads of an earlier build) is taken from it;
    answers are compared by value, so neither build's answers may be changed in place afterwards (saves store new dicts).
    """
    reads = Reads(answers)
    builder = _Builder(schema, reads, lang, template or load_texts(), meta, earlier)
    doc = typeset(builder.document(meta))
    reads.finish(builder)
    return doc, reads


def sections_changed_by(
    schema: Schema, doc: Document, reads: Reads, element_key: str, meta: DocumentMeta, template: DocumentTexts | None = None,
    skip: frozenset[str] = frozenset(), earlier: Reads | None = None,
) -> tuple[frozenset[str], Reads]:
    """The anchors of the sections of ``doc`` (from build_with_reads) that read differently with the answers of
    ``element_key`` left empty, the introduction's note on placeholders aside; the sections ``skip`` are not compared.

    Only the sections that read those answers, or facts that change with them, are built again with the element left
    empty, or taken from ``earlier`` (the Reads this function gave for an earlier build) where they read the same;
    the Reads of these builds come back for the next call.
    """
    texts = template or load_texts()
    blanked = Reads({**reads.answers, element_key: {q.id: None for q in schema.element(element_key).questions}})
    builder = _Builder(schema, blanked, doc.lang, texts, meta, earlier)
    if builder.source != reads.source or reads.by_section is None:  # every section may change: build them all
        again = {section.anchor: section for section in typeset(builder.document(meta)).sections}
    else:
        facts = {doc.lang: builder.facts}

        def changed(key) -> bool:  # one thing a section read
            if not isinstance(key, tuple):
                return key in (element_key, ALL_KEYS)
            _facts, lang, name = key
            if lang not in facts:
                facts[lang] = builder.facts_in(lang)
            return _fact(reads.facts[lang], name) != _fact(facts[lang], name)

        again = {anchor: typeset_part(builder.section(anchor, make), doc.lang) for anchor, make in builder.parts()
                 if anchor not in skip and any(changed(key) for key in reads.by_section[anchor])}
    blanked.finish(builder)
    note = NoteBox((Run(doc.labels.get("placeholder_note", "")),))
    return frozenset(section.anchor for section in doc.sections if section.anchor in again and section.anchor not in skip
                     and _without(again[section.anchor], note) != _without(section, note)), blanked


def _fact(facts: Facts, name: str) -> tuple:
    """What a section reads of the fact ``name``: its wording, its blank and the answers quoted in it."""
    if name == "has_vertrouwenspersoon":
        return (facts.has_vertrouwenspersoon,)
    wording = facts.values.get(name)
    return wording, facts.missing.get(name), tuple(facts.foreign.get(key) for key in MARKED.findall(wording or ""))


def _without(section: Section, note: NoteBox) -> tuple:
    return tuple(block for block in section.blocks if block != note)


ALL_KEYS = object()  # Reads: every key was looked at
ABSENT = object()  # Reads: a key the answers do not have


class Reads(dict):
    """The answers, noting which top-level keys (elements, translations …) each section reads and which facts it uses.

    ``by_section`` maps a section's anchor to those keys (None when two sections share an anchor); a fact counts as
    ("facts", language, name), whatever looks at all keys at once as ALL_KEYS. A section is a function of what it
    reads and of its build's ``basis`` (schema, texts, language, meta, the answers' language, the answers left blank).
    """

    def __init__(self, answers: dict):
        super().__init__(answers)
        self.answers = answers
        self.read: set = set()
        self.by_section: dict[str, frozenset] | None = {}
        self.built: dict[str, Section] = {}  # anchor -> the section as built (before typography and the placeholder note)
        self.basis: tuple = ()
        self.source = ""
        self.facts: dict[str, Facts] = {}

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def _all(method):  # noqa: N805 - wraps the dict methods that look at every key
        def looks_at_all(self, *args):
            self.read.add(ALL_KEYS)
            return method(self, *args)
        return looks_at_all

    __iter__, __len__, __eq__, __ne__, __or__, __ror__, __reversed__ = map(_all, (
        dict.__iter__, dict.__len__, dict.__eq__, dict.__ne__, dict.__or__, dict.__ror__, dict.__reversed__))
    keys, values, items, copy = map(_all, (dict.keys, dict.values, dict.items, dict.copy))
    del _all

    def section_started(self) -> None:
        self.read = set()

    def section_done(self, section: Section) -> None:
        self.by_section[section.anchor] = frozenset(self.read)
        self.built[section.anchor] = section

    def reuse(self, earlier: Reads, anchor: str) -> Section:
        """The section ``anchor`` as built for ``earlier``, with what it read."""
        self.by_section[anchor] = earlier.by_section[anchor]
        self.built[anchor] = earlier.built[anchor]
        return earlier.built[anchor]

    def reads_the_same(self, anchor: str, answers: dict, facts: Callable[[str], Facts]) -> bool:
        """Whether the section ``anchor`` would read the same from ``answers`` and ``facts(lang)`` as it did here."""
        keys = self.by_section.get(anchor) if self.by_section is not None else None
        if keys is None or ALL_KEYS in keys:
            return False
        return all(
            _fact(self.facts[key[1]], key[2]) == _fact(facts(key[1]), key[2]) if isinstance(key, tuple)
            else self.answers.get(key, ABSENT) == answers.get(key, ABSENT)
            for key in keys
        )

    def finish(self, builder: _Builder) -> None:
        """The whole document is built by ``builder``: keep what its sections depend on besides the answers."""
        anchors = [anchor for anchor, _make in builder.parts()]
        if len(set(anchors)) != len(anchors):
            self.by_section = None
        self.basis, self.source = builder.basis(), builder.source
        self.facts = {each.lang: each.facts for each in (builder, builder.dutch_builder) if each is not None}


def open_placeholders(schema: Schema, answers: dict, lang: str = "nl") -> list[tuple[str, str]]:
    """The answers the draft document still shows as [placeholders]: (element.question, what is missing), in order."""
    builder = _Builder(schema, answers, lang, load_texts(), DocumentMeta(organisation="-"))
    builder.document(DocumentMeta(organisation="-"))
    return list(builder.open.items())


class _Builder:
    """Builds the document's blocks; answers typed in the other language only are never put inside a sentence.

    Such an answer (see answers.localised) shows as its blank name in italics with a note number, and a
    LanguageNote after the block quotes it, tagged with its language; numbers restart in each section and an
    answer keeps its number within a section (its note follows the first block that uses it). Where the
    wording is the answer alone there is no sentence to protect: a paragraph or note box of it becomes the
    LanguageNote itself, a table cell shows it as typed (tagged, with the table's one note number: the note
    after the table says which cells are in the other language) and a control-block value shows it as typed
    with "(only in Dutch)".
    """

    def __init__(self, schema: Schema, answers: dict, lang: str, texts: DocumentTexts, meta: DocumentMeta,
                 earlier: Reads | None = None):
        self.schema, self.answers, self.lang, self.texts = schema, answers, lang, texts
        self.source = answers_language(schema, answers)  # the language the answers were typed in
        self.whole = False  # the wording being filled is one placeholder alone
        self.notes: list[tuple[int, LanguageNote]] = []  # the notes for the block being built
        self.numbers: dict[str, int] = {}  # answer key -> its note number in the current section
        self.counter = 0  # the last note number in the current section
        self.labels = {key: text(wording, lang) for key, wording in texts.labels.items()}
        self.facts: Facts = derive_facts(answers, lang, schema, texts)
        self.left_blank = frozenset(answers.get(BLANK_KEY) or ())
        self.open: dict[str, str] = {}  # question -> blank label, for every placeholder printed
        self.approved = not meta.is_draft
        self.meta = meta
        self.dutch_builder: _Builder | None = None
        self.earlier = earlier if earlier is not None and earlier.basis == self.basis() else None  # see build_with_reads

    # -- the whole document ------------------------------------------------------------
    def document(self, meta: DocumentMeta) -> Document:
        if not meta.organisation.strip():
            meta = dataclasses.replace(meta, organisation=plain(self.fill({"nl": "{profile.name}"}, whole=True)))
        title = meta.title or text(self.texts.title, self.lang)
        meta = dataclasses.replace(meta, title=title, version_label=self.version_label(meta))
        sections = [self.section(anchor, make) for anchor, make in self.parts()]
        if meta.is_draft and any(run.placeholder for section in sections for run in _runs(section.blocks)):
            intro = sections[0]
            note = NoteBox((Run(self.labels["placeholder_note"]),))
            sections[0] = dataclasses.replace(intro, blocks=(note, *intro.blocks))
        status = self.labels["status_draft" if meta.is_draft else "status_approved"]
        cover = (
            (self.labels["organisation"], (Run(meta.organisation),)),
            (self.labels["version"].capitalize(), (Run(meta.version_label),)),
            (self.labels["date"], self.when(meta.date)),
            (self.labels["status"], (Run(status),)),
        )
        return Document(
            lang=self.lang,
            title=title,
            meta=meta,
            cover_lines=cover,
            control=self.control(meta, status),
            sections=tuple(sections),
            labels={**self.labels, "cover_text": text(self.texts.cover_text, self.lang)},
        )

    def version_label(self, meta: DocumentMeta) -> str:
        """The version's label; the working draft's is the draft status in the document's language ("projet")."""
        return self.labels["status_draft"] if meta.version_label == DRAFT_VERSION else meta.version_label

    def control(self, meta: DocumentMeta, status: str) -> ControlBlock:
        labels = self.labels
        approver = ", ".join(part for part in (meta.approved_by_name, meta.approved_by_function) if part)
        drafter = (Run(meta.drafted_by),) if meta.drafted_by else self.from_answers("drafted_by", labels["blank_drafter"])
        review = self.when(meta.next_review_date) if meta.next_review_date else self.from_answers("next_review", labels["blank_date"])
        rows = (
            (labels["version"].capitalize(), (Run(meta.version_label),)),
            (labels["date"], self.when(meta.date)),
            (labels["status"], (Run(status),)),
            (labels["drafted_by"], drafter),
            (labels["approved_by"], (Run(approver),) if approver else self.blank(labels["blank_approver"])),
            (labels["consultation"], self.consultation(meta)),
            (labels["in_force"], self.when(meta.in_force_date)),
            (labels["next_review"], review),
            (labels["replaces"], (Run(meta.replaces_version or labels["first_version"]),)),
        )
        rows = tuple(row for row in rows if row[1])  # an answer left blank on purpose: no empty row
        if meta.is_draft:
            warnings = compliance.findings(self.schema, self.answers, self.lang, today=meta.date, in_force=meta.in_force_date,
                                           facts=self.facts)
            rows += tuple((labels["attention"], (Run(warning.message),)) for warning in warnings)
        if meta.self_approved:
            rows += ((labels["approved_by"], (Run(labels["self_approved"]),)),)
        if meta.content_hash:
            rows += ((labels["hash"], (Run(meta.content_hash),)),)
        return ControlBlock(labels["control_title"], rows)

    def from_answers(self, key: str, blank: str) -> Inline:
        """A control-block value taken from the answers as document.yaml says, else a placeholder."""
        wording = self.texts.control.get(key)
        if not wording:
            return self.blank(blank)
        runs = self.fill(wording, whole=True)
        if _quoted(runs) is not None:
            runs += (Run(f" {self.labels['in_other_language']}", italic=True),)
        return runs

    def consultation(self, meta: DocumentMeta) -> Inline:
        """"het CPBW op 25/11/2026: gunstig." composed from the body (facts), the date and the approver's note."""
        runs = list(self.placeholder("facts.consultation_body"))
        if meta.consultation_date or meta.is_draft:
            runs += [Run(f" {self.labels['on_date']} "), *self.when(meta.consultation_date)]
        note = meta.consultation_body.strip().rstrip(".").strip()
        runs.append(Run(f": {note}." if note else "."))
        return tuple(run for run in runs if run.text)

    def parts(self) -> list[tuple[str, Callable[[], Section]]]:
        """Each section's anchor and the call that builds it, in document order: introduction, chapters, annexes."""
        return [
            ("intro", self.intro),
            *((f"ch-{element.key}", functools.partial(self.chapter, element)) for element in self.schema.elements if element.key != "profile"),
            *((f"annex-{part.id}", functools.partial(self.annex, number, part)) for number, part in enumerate(self.texts.annexes, start=1)),
        ]

    def section(self, anchor: str, make: Callable[[], Section]) -> Section:
        """The section ``anchor``: taken from the earlier build when it reads the same (see build_with_reads), else made."""
        if self.earlier is not None and self.earlier.reads_the_same(anchor, self.answers.answers, self.facts_in):
            return self.answers.reuse(self.earlier, anchor)
        return make()

    def basis(self) -> tuple:
        """What every section depends on besides the answers and facts it reads (see Reads)."""
        return self.schema, self.texts, self.lang, self.meta, self.source, self.left_blank

    def facts_in(self, lang: str) -> Facts:
        """The facts in ``lang``: the document's language, or Dutch for wording quoted as Dutch."""
        return self.facts if lang == self.lang else self.dutch().facts

    def intro(self) -> Section:
        profile = self.schema.element("profile")
        self.start_section()
        blocks = self.with_notes(Paragraph(self.fill(profile.intro))) if profile.intro else []
        blocks += self.clause_blocks(profile.clauses, "intro")
        blocks += self.clause_blocks(self.texts.intro.blocks, "intro-text")
        return self.done(Section("intro", text(self.texts.intro.title, self.lang), tuple(blocks), kind="intro"))

    def chapter(self, element: Element) -> Section:
        self.start_section()
        blocks = self.with_notes(Paragraph(self.fill(element.intro))) if element.intro else []
        blocks += self.clause_blocks(element.clauses, element.key)
        return self.done(Section(f"ch-{element.key}", text(element.title, self.lang), tuple(blocks)))

    def annex(self, number: int, part: Part) -> Section:
        title = f"{self.labels['annex']} {number}. {text(part.title, self.lang)}"
        self.start_section()
        blocks = self.clause_blocks(part.blocks, part.id)
        return self.done(Section(f"annex-{part.id}", title, tuple(blocks), kind="annex", keep_on_one_page=part.one_page))

    # -- clauses -------------------------------------------------------------------------
    def clause_blocks(self, clauses, prefix: str) -> list:
        blocks: list = []
        for number, clause in enumerate(clauses, start=1):
            if not applies(self.schema, self.answers, clause.when):
                continue
            if clause.heading and self.lang in clause.heading:  # a heading only in Dutch goes into the template note
                blocks.append(Heading(2, plain(self.fill(clause.heading)), f"{prefix}-{number}"))
            blocks += self.with_notes(self.clause_block(clause))
        return blocks

    def clause_block(self, clause: Clause | Block):
        if clause.kind in ("paragraph", "note") and self.lang not in (clause.text or {}):
            return self.template_note(clause)
        if clause.kind in ("paragraph", "note"):
            runs = self.fill(clause.text, whole=True)
            if (typed := _quoted(runs)) is not None:  # the answer alone, in the other language: the note is the block
                return self.quote_note(0, typed)
            return Paragraph(runs) if clause.kind == "paragraph" else NoteBox(runs)
        if clause.kind in ("bullets", "numbered"):
            items = tuple(self.fill(item) for item in clause.items)
            return BulletList(items) if clause.kind == "bullets" else NumberedList(items)
        if isinstance(clause, Block) and not clause.source:
            rows = tuple(tuple(self.fill(cell, whole=True) if cell else () for cell in row) for row in clause.rows)
            headers = tuple(text(column, self.lang) for column in clause.columns)
            return Table(headers, self.marked_cells(rows), clause.widths, form=clause.form)
        return self.group_table(clause)

    # -- answers typed in the other language only ------------------------------------------
    def start_section(self) -> None:
        """Note numbers start again at 1 in each section."""
        self.numbers, self.counter = {}, 0
        if isinstance(self.answers, Reads):
            self.answers.section_started()

    def done(self, section: Section) -> Section:
        """``section``, with what it read noted when the answers are Reads."""
        if isinstance(self.answers, Reads):
            self.answers.section_done(section)
        return section

    def uses_facts(self, *names: str) -> None:
        """Note for Reads that the section being built uses these facts."""
        if isinstance(self.answers, Reads):
            self.answers.read.update((FACTS, self.lang, name) for name in names)

    def with_notes(self, block) -> list:
        """``block`` followed by the notes on the answers it shows in the other language, in number order."""
        notes = [note for _, note in sorted(self.notes, key=lambda item: item[0])]
        self.notes = []
        return [block, *notes]

    def foreign_runs(self, key: str, name: str, typed: str, alone: bool) -> Inline:
        """An answer typed in the other language only: as typed where it stands ``alone``, else its blank name and a note number."""
        if alone:
            return (Run(typed, lang=self.source),)
        number = self.numbers.get(key)
        if number is None:
            self.counter += 1
            number = self.numbers[key] = self.counter
            self.notes.append((number, self.quote_note(number, typed)))
        return (Run(name, italic=True), Run(str(number), superscript=True))

    def quote_note(self, number: int, typed: str) -> LanguageNote:
        """"Answer given in Dutch only: “…”", the quote tagged with its language (numbered unless 0)."""
        before, _, after = self.labels["answer_other_language"].partition("{answer}")
        return self.note(number, (Run(before), Run(typed, lang=self.source), Run(after)))

    def template_note(self, clause: Clause) -> LanguageNote:
        """A sector template's clause stored before templates were bilingual (Dutch only): quoted in a note, tagged Dutch."""
        wording = [text(clause.heading, "nl")] if clause.heading and self.lang not in clause.heading else []
        wording.append(plain(self.dutch().fill(clause.text)))  # quoted as Dutch: filled with the Dutch facts
        before, _, after = self.labels["template_other_language"].partition("{text}")
        return self.note(0, (Run(before), Run(" — ".join(wording), lang="nl"), Run(after)))

    def dutch(self) -> "_Builder":
        """A builder of the same protocol in Dutch (made once), for wording quoted as Dutch."""
        if self.dutch_builder is None:
            self.dutch_builder = self if self.lang == "nl" else _Builder(self.schema, self.answers, "nl", self.texts, self.meta)
        return self.dutch_builder

    def note(self, number: int, runs: Inline) -> LanguageNote:
        mark = (Run(str(number), superscript=True), Run(" ")) if number else ()
        return LanguageNote(tuple(run for run in (*mark, *runs) if run.text))

    def marked_cells(self, rows: tuple[tuple[Inline, ...], ...]) -> tuple[tuple[Inline, ...], ...]:
        """Cells holding an answer as typed in the other language get the table's note number; the note says so."""
        if not any(run.lang for row in rows for cell in row for run in cell):
            return rows
        self.counter += 1
        number = self.counter
        self.notes.append((number, self.note(number, (Run(self.labels["cells_other_language"]),))))
        mark = Run(str(number), superscript=True)
        return tuple(tuple((*cell, mark) if any(run.lang for run in cell) else cell for cell in row) for row in rows)

    def group_table(self, clause: Clause | Block) -> Table:
        """The rows of the group ``clause.source``, one column per field (or per listed field)."""
        try:
            group = self.schema.question(clause.source)
        except KeyError:
            raise TemplateError(f"table source {clause.source}: there is no such question") from None
        by_id = {f.id: f for f in group.fields}
        wanted = getattr(clause, "fields", ()) or tuple(by_id)
        if unknown := [name for name in wanted if name not in by_id]:
            raise TemplateError(f"table source {clause.source}: no field {unknown[0]!r}")
        fields = [by_id[name] for name in wanted]
        headers = tuple(text(f.label, self.lang) for f in fields)
        answer, foreign = localised(self.schema, self.answers, clause.source, self.lang)
        numbered = [(index, row) for index, row in enumerate(answer or ()) if not all(is_empty(row.get(f.id)) for f in fields)]
        numbered = [(index, row) for index, row in numbered if not self.absent_role_only(row, fields)]
        rows = [row for _, row in numbered]
        widths = getattr(clause, "widths", ())
        if not rows:
            return Table(headers, (tuple(self.blank(self.blank_name(f), clause.source, text(group.label, self.lang)) for f in fields),), widths)
        # An optional column nobody filled in is left out: it would print nothing in every row.
        kept = [n for n, f in enumerate(fields) if f.required or any(not is_empty(row.get(f.id)) for row in rows)]
        if len(widths) == len(fields):
            widths = tuple(widths[n] for n in kept)
        fields = [fields[n] for n in kept]
        headers = tuple(headers[n] for n in kept)
        label = text(group.label, self.lang)
        cells = tuple(
            tuple(self.cell_runs(f, row.get(f.id), clause.source, label, f"{clause.source}.{index}.{f.id}" in foreign) for f in fields)
            for index, row in numbered
        )
        return Table(headers, self.marked_cells(cells), widths)

    def absent_role_only(self, row: dict, fields) -> bool:
        """A row naming a role the organisation does not have (compliance.yaml's role words), with nothing else filled in."""
        first, *rest = fields
        if any(not is_empty(row.get(f.id)) for f in rest) or is_empty(row.get(first.id)):
            return False
        self.uses_facts("management", "has_vertrouwenspersoon")
        return any(compliance.names_role(role, str(row[first.id])) for role in compliance.absent_roles(self.facts))

    def cell_runs(self, field: Question, answer: Any, source: str, group_label: str, foreign: bool = False) -> Inline:
        """A group cell: the answer (tagged when typed in the other language only), nothing for an empty optional
        field, a placeholder for a missing required one."""
        shown = answer_text(field, answer, self.lang)
        if shown:
            return (Run(shown, lang=self.source if foreign else ""),)
        return self.blank(self.blank_name(field), source, group_label) if field.required else ()

    # -- wording and answers -------------------------------------------------------------
    def fill(self, wording: dict[str, str] | None, whole: bool = False) -> Inline:
        """Wording in the document's language with emphasis applied and placeholders filled.

        ``whole``: where the wording is one placeholder alone, an answer typed in the other language only comes
        back as typed (a run tagged with its language) for the caller to present; elsewhere it never enters a sentence.
        """
        alone, pieces = _parsed(text(wording, self.lang))
        self.whole = whole and alone
        runs: list[Run] = []
        for bold, italic, parts in pieces:
            runs += self.placeholders(parts, runs, bold, italic)
        self.whole = False
        return tuple(run for run in runs if run.text)

    def placeholders(self, parts: tuple[str, ...], before: list[Run], bold: bool = False, italic: bool = False) -> list[Run]:
        """A piece of wording (see _parsed) with its placeholders filled; an answer that starts a sentence gets a capital."""
        runs: list[Run] = []
        for index in range(1, len(parts), 2):
            if parts[index - 1]:
                runs.append(Run(parts[index - 1], bold, italic))
            ref = parts[index]
            filled = self.placeholder(ref)
            if filled and ref not in KEEP_CASE and SENTENCE_END.search(plain((*before, *runs))):
                filled = (_changed(filled[0], text=_capitalise(filled[0].text)), *filled[1:])
            if filled and self.lang == "fr":
                if runs:
                    runs[-1], filled = _contract_fr(runs[-1], filled)
                else:
                    filled = _items_fr("", filled)
            runs += [_changed(r, bold=bold or r.bold, italic=italic or r.italic) for r in filled] if bold or italic else filled
        if parts[-1]:
            runs.append(Run(parts[-1], bold, italic))
        return runs

    def placeholder(self, ref: str) -> Inline:
        """The runs for ``{element.question}`` or ``{facts.name}``."""
        if ref.startswith(f"{FACTS}."):
            name = ref.partition(".")[2]
            if name not in FACTS_KNOWN:
                raise TemplateError(f"placeholder {{{ref}}}: there is no fact {name}")
            self.uses_facts(name)
            if name in self.facts.missing:
                return self.blank(self.facts.missing[name], FACT_SOURCES.get(name, ref))
            return self.fact_runs(self.facts.values[name])
        try:
            question = self.schema.question(ref)
        except KeyError:
            raise TemplateError(f"placeholder {{{ref}}}: there is no question {ref}") from None
        answer, foreign = localised(self.schema, self.answers, ref, self.lang)
        return self.answer_runs(question, answer, ref, ref in foreign)

    def fact_runs(self, wording: str) -> Inline:
        """A fact's wording; each answer in it typed in the other language only is handled by foreign_runs."""
        parts = MARKED.split(wording)
        alone = self.whole and len(parts) == 3 and not parts[0] and not parts[2]
        runs: list[Run] = []
        for index, part in enumerate(parts):
            if index % 2:
                runs += self.foreign_runs(part, *self.facts.foreign[part], alone=alone)
            elif part:
                runs.append(Run(part))
        return tuple(runs)

    def answer_runs(self, question: Question, answer: Any, ref: str, foreign: bool = False) -> Inline:
        """The answer as text, or the marked placeholder when it is missing."""
        shown = answer_text(question, answer, self.lang)
        if shown and foreign:
            return self.foreign_runs(ref, self.blank_name(question), shown, alone=self.whole)
        return (Run(shown),) if shown else self.blank(self.blank_name(question), ref)

    def blank_name(self, question: Question) -> str:
        return text(question.blank, self.lang) or text(question.label, self.lang)

    def blank(self, name: str, ref: str = "", label: str = "") -> Inline:
        """The marked placeholder for a missing answer; nothing when the drafter chose to leave ``ref`` blank."""
        if ref and ref in self.left_blank:
            return ()
        if ref:
            self.open.setdefault(ref, label or name)
        return (Run(f"[{name}]", placeholder=True),)

    def when(self, day: date | None) -> Inline:
        return (Run(format_date(day)),) if day else self.blank(self.labels["blank_date"])


FR_CONTRACTIONS = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}
FR_VOWELS = tuple("aeiouyàâéèêëîïôûAEIOUYÀÂÉÈÊËÎÏÔÛ")


def _contract_fr(previous: Run, filled: Inline) -> tuple[Run, Inline]:
    """French prepositions before a filled-in fact or answer: "à le X et la Y" -> "au X et à la Y", "de IDEWE" -> "d'IDEWE".

    The one place that contracts French prepositions: "à"/"de" at the end of the fixed text is merged with the
    first item's article (or elided before a vowel) and repeated before every further item of a list (facts.ITEM).
    """
    head, space, preposition = previous.text.rstrip(" ").rpartition(" ")
    if not previous.text.endswith(" ") or preposition not in ("à", "de"):
        return previous, _items_fr("", filled)
    start, rest = _preposed(preposition, filled[0].text)
    previous = _changed(previous, text=f"{head}{space}{start}")  # " à " between two facts keeps its space
    return previous, _items_fr(preposition, (_changed(filled[0], text=rest), *filled[1:]))


def _preposed(preposition: str, phrase: str) -> tuple[str, str]:
    """("au ", "conseiller") for ("à", "le conseiller"); ("d'", "IDEWE") for ("de", "IDEWE"); else (preposition + " ", phrase)."""
    article, _, rest = phrase.partition(" ")
    if merged := FR_CONTRACTIONS.get((preposition, article)):
        return f"{merged} ", rest
    if preposition == "de" and phrase.startswith(FR_VOWELS):
        return "d'", phrase
    return f"{preposition} ", phrase


def _items_fr(preposition: str, filled: Inline) -> Inline:
    """Each further list item (after facts.ITEM) gets ``preposition`` too; without one the marks just go."""
    runs, pending = [], False
    for run in filled:
        parts = run.text.split(ITEM)
        if pending and preposition and parts[0]:
            parts[0] = "".join(_preposed(preposition, parts[0]))
            pending = False
        wording = parts[0]
        for part in parts[1:]:
            pending = not part
            wording += "".join(_preposed(preposition, part)) if preposition and part else part
        runs.append(_changed(run, text=wording) if len(parts) > 1 or wording != run.text else run)
    return tuple(runs)


FR_SPACE = "\u00a0"  # no-break space, as in the French interface catalogue
# A space before : ; ? ! » (after a non-space, or at the start of a run) or after «; written space first, so that the
# search jumps from space to space.
FR_PUNCTUATION = re.compile(r" (?:(?:(?<=\S )|(?<=^ ))(?=[:;?!»])|(?<=« ))")
FR_MARKS = re.compile("[:;?!»«]")  # a text without any of these has no space to replace (most texts: a quick test)


def typeset(document: Document) -> Document:
    """French typography in one pass: a no-break space before : ; ? ! and inside « » (typed quotes in another
    language and the meta data stay as they are; URLs, e-mail addresses and times have no space to replace)."""
    return typeset_part(document, document.lang)


def typeset_part(part: Any, lang: str) -> Any:
    """A document or a part of one (a section) in ``lang``, typeset as ``typeset`` does."""
    return part if lang != "fr" else _typeset(part)


def _typeset(node: Any) -> Any:
    """``node`` with every string in it typeset; a node that does not change is returned itself."""
    kind = type(node)
    if kind is Run:  # the most frequent node: only its text can change
        if node.lang or FR_MARKS.search(node.text) is None:
            return node
        return _changed(node, text=FR_PUNCTUATION.sub(FR_SPACE, node.text))
    if kind is tuple or kind is list:
        items = list(map(_typeset, node))
        return kind(items) if any(map(operator.is_not, items, node)) else node
    if kind in UNTYPESET:
        return node
    if isinstance(node, str):
        return _typeset_text(node)
    if isinstance(node, (tuple, list)):
        return type(node)(map(_typeset, node))
    if isinstance(node, dict):
        return {key: _typeset(item) for key, item in node.items()}
    if isinstance(node, DocumentMeta) or (isinstance(node, Run) and node.lang) or not dataclasses.is_dataclass(node):
        return node
    changed = {}
    for name in _init_fields(kind):
        old = getattr(node, name)
        new = _typeset(old)
        if new is not old:
            changed[name] = new
    return dataclasses.replace(node, **changed) if changed else node


UNTYPESET = frozenset({int, bool, float, type(None), bytes, date, DocumentMeta})  # nothing to typeset in these


def _changed(run: Run, **changes: Any) -> Run:
    """``run`` with ``changes``: dataclasses.replace without its look at the fields on every call (a Run has no other state)."""
    return Run(**{**run.__dict__, **changes})


def _typeset_text(text: str) -> str:
    return FR_PUNCTUATION.sub(FR_SPACE, text) if FR_MARKS.search(text) else text


@functools.cache
def _init_fields(kind: type) -> tuple[str, ...]:
    """The names of the fields a dataclass's __init__ takes."""
    return tuple(f.name for f in dataclasses.fields(kind) if f.init)


def _quoted(runs: Inline) -> str | None:
    """The text of ``runs`` when they are one answer as typed in the other language, else None."""
    return runs[0].text if len(runs) == 1 and runs[0].lang else None


@functools.lru_cache(maxsize=4096)
def _parsed(source: str) -> tuple[bool, tuple[tuple[bool, bool, tuple[str, ...]], ...]]:
    """Wording cut once into pieces of one emphasis: (whether it is one placeholder alone, ((bold, italic, parts), ...)).

    A piece's parts alternate literal text and a placeholder's reference ("element.question"), text first and last.
    """
    pieces, position = [], 0
    for match in EMPHASIS.finditer(source):
        pieces.append((False, False, source[position : match.start()]))
        pieces.append((True, False, match["bold"]) if match["bold"] is not None else (False, True, match["italic"]))
        position = match.end()
    pieces.append((False, False, source[position:]))
    return WHOLE.fullmatch(source) is not None, tuple((bold, italic, _parts(piece)) for bold, italic, piece in pieces if piece)


def _parts(piece: str) -> tuple[str, ...]:
    """``piece`` as literal text and placeholder references in turn, text first and last (possibly empty)."""
    cut = PLACEHOLDER.split(piece)  # text, element, question, text, element, question, text ...
    parts = [cut[0]]
    for index in range(1, len(cut), 3):
        parts += [f"{cut[index]}.{cut[index + 1]}", cut[index + 2]]
    return tuple(parts)


def _capitalise(value: str) -> str:
    return value[:1].upper() + value[1:]


def _runs(blocks) -> list[Run]:
    """Every run in ``blocks`` (paragraphs, lists, notes and table cells)."""
    runs: list[Run] = []
    for block in blocks:
        if isinstance(block, (Paragraph, NoteBox)):
            runs += block.runs
        elif isinstance(block, (BulletList, NumberedList)):
            runs += [run for item in block.items for run in item]
        elif isinstance(block, Table):
            runs += [run for row in block.rows for cell in row for run in cell]
    return runs
