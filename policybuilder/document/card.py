"""The staff card on its own: one A4 page to hang up or keep at hand, in each staff language."""
from __future__ import annotations

import dataclasses

from ..answers import value
from ..schema import Schema, text
from .build import _Builder, typeset
from .errors import TemplateError
from .model import ControlBlock, Document, DocumentMeta, Run, Section, Table, plain
from .texts import DocumentTexts, load_texts

#: The languages the document texts are written in; a staff language outside these gets no card.
CARD_LANGUAGES = ("nl", "fr")


def build_staff_card(
    schema: Schema, answers: dict, meta: DocumentMeta, lang: str = "nl", template: DocumentTexts | None = None
) -> Document:
    """The staff card (schemas/document.yaml, staff_card) for ``answers`` as a one-section Document."""
    texts = template or load_texts()
    if texts.staff_card is None:
        raise TemplateError("document.yaml: there is no staff_card section")
    builder = _Builder(schema, answers, lang, texts, meta)
    title = text(texts.staff_card.title, lang)
    organisation = meta.organisation or plain(builder.fill({"nl": "{profile.name}"}, whole=True))
    meta = dataclasses.replace(meta, organisation=organisation, title=title, version_label=builder.version_label(meta))
    builder.start_section()
    blocks = tuple(builder.clause_blocks(texts.staff_card.blocks, "card"))
    return typeset(Document(
        lang=lang,
        title=title,
        meta=meta,
        cover_lines=(),
        control=ControlBlock("", ()),
        sections=(Section("staff-card", title, blocks, kind="card", keep_on_one_page=True),),
        labels=builder.labels,
        kind="card",
    ))


def card_languages(schema: Schema, answers: dict) -> tuple[str, ...]:
    """The staff languages a card can be made in, Dutch first (always at least Dutch)."""
    chosen = value(schema, answers, "profile.staff_languages") or ()
    return ("nl", *(lang for lang in CARD_LANGUAGES[1:] if lang in chosen))



def shorten_card(doc: Document, cut: int) -> Document | None:
    """The card with ``cut`` rows less in its longest table, named in a last row; None if that table is too short.

    The last resort when even the smallest font step does not fit one page (dozens of contacts
    and sites): the card keeps the first rows and sends the reader to the protocol for the others.
    """
    section = doc.sections[0]
    rows, number = max(((len(b.rows), n) for n, b in enumerate(section.blocks) if isinstance(b, Table)), default=(0, -1))
    if rows - cut < 2:
        return None
    table = section.blocks[number]
    more = (Run(doc.labels["card_more"].format(count=cut), italic=True),)
    table = dataclasses.replace(table, rows=(*table.rows[: rows - cut], (more, *[()] * (len(table.headers) - 1))))
    blocks = (*section.blocks[:number], table, *section.blocks[number + 1 :])
    return dataclasses.replace(doc, sections=(dataclasses.replace(section, blocks=blocks),))
