"""The part of the document one wizard step produces, for the live preview beside the step.

Each web process keeps the documents it built lately, by content, so that a preview builds only what
changed (while the drafter types, the step left empty stays the same), and the saved draft's preview
per revision, so that opening a step again or reloading it costs nothing.
"""
from __future__ import annotations

import dataclasses

from ..canonical import content_hash
from ..document import Document, DocumentMeta, Style, render_html
from ..document.model import NoteBox, Run, Section
from ..documents.files import document_parts, protocol_meta
from ..models import Protocol
from ..recent import Recent
from ..schema import Element
from ..schema_store import get_schema

OWN_SECTION = {"profile": "intro"}


_documents = Recent(64)  # (schema, answers hash, meta, template, lang) -> (Document, Style)
_saved_previews = Recent(256)  # (schema, protocol, revision, meta, template, step, lang) -> HTML


def step_preview(protocol: Protocol, element: Element, answers: dict, lang: str = "nl") -> str:
    """HTML of the document's sections that this step's answers fill in, rendered by the preview's renderer.

    A section belongs to the step when it is the step's own chapter or when it reads differently
    with the step's answers left empty.
    """
    meta = protocol_meta(protocol)
    doc, style = _document(answers, meta, protocol, lang)
    blanked = {**answers, element.key: {q.id: None for q in element.questions}}
    without, _style = _document(blanked, meta, protocol, lang)
    own = OWN_SECTION.get(element.key, f"ch-{element.key}")
    # Blank answers add the "not yet filled in" note to the introduction; that alone does not tie it to this step.
    note = NoteBox((Run(doc.labels.get("placeholder_note", "")),))
    others = {section.anchor: _without(section, note) for section in without.sections}
    sections = tuple(
        section for section in doc.sections
        if section.anchor == own or others.get(section.anchor) != _without(section, note)
    )
    return render_html(dataclasses.replace(doc, sections=sections), style, fragment=True)


def saved_step_preview(protocol: Protocol, element: Element, lang: str = "nl") -> str:
    """The preview of the step from the saved draft: made once per revision (and language) in each process."""
    key = (get_schema(), protocol.id, protocol.revision, protocol_meta(protocol), protocol.template_version_id, element.key, lang)
    return _saved_previews.get(key, lambda: step_preview(protocol, element, protocol.answers, lang))


def _document(answers: dict, meta: DocumentMeta, protocol: Protocol, lang: str) -> tuple[Document, Style]:
    key = (get_schema(), content_hash(answers), meta, protocol.template_version_id, lang)
    return _documents.get(key, lambda: document_parts(answers, meta, protocol.template_version, lang))


def _without(section: Section, note: NoteBox) -> tuple:
    return tuple(block for block in section.blocks if block != note)
