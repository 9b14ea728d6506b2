"""The staff card on its own: one A4 page to hang up or keep at hand, in each staff language."""
from __future__ import annotations

import dataclasses

from ..answers import value
from ..schema import Schema, text
from .build import _Builder
from .errors import TemplateError
from .model import ControlBlock, Document, DocumentMeta, Section, plain
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
    organisation = meta.organisation or plain(builder.fill({"nl": "{profile.name}"}))
    meta = dataclasses.replace(meta, organisation=organisation, title=title)
    blocks = tuple(builder.clause_blocks(texts.staff_card.blocks, "card"))
    return Document(
        lang=lang,
        title=title,
        meta=meta,
        cover_lines=(),
        control=ControlBlock("", ()),
        sections=(Section("staff-card", title, blocks, kind="card", keep_on_one_page=True),),
        labels=builder.labels,
        kind="card",
    )


def card_languages(schema: Schema, answers: dict) -> tuple[str, ...]:
    """The staff languages a card can be made in, Dutch first (always at least Dutch)."""
    chosen = value(schema, answers, "profile.staff_languages") or ()
    return ("nl", *(lang for lang in CARD_LANGUAGES[1:] if lang in chosen))
