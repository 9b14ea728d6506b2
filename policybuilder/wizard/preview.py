"""The part of the document one wizard step produces, for the live preview beside the step."""
from __future__ import annotations

import dataclasses

from ..document import render_html
from ..document.model import NoteBox, Run, Section
from ..documents.files import document_parts
from ..documents.routes import protocol_meta
from ..models import Protocol
from ..schema import Element

OWN_SECTION = {"profile": "intro"}


def step_preview(protocol: Protocol, element: Element, answers: dict) -> str:
    """HTML of the document's sections that this step's answers fill in, rendered by the preview's renderer.

    A section belongs to the step when it is the step's own chapter or when it reads differently
    with the step's answers left empty.
    """
    meta = protocol_meta(protocol)
    doc, style = document_parts(answers, meta, protocol.template_version)
    blanked = {**answers, element.key: {q.id: None for q in element.questions}}
    without, _style = document_parts(blanked, meta, protocol.template_version)
    own = OWN_SECTION.get(element.key, f"ch-{element.key}")
    # Blank answers add the "not yet filled in" note to the introduction; that alone does not tie it to this step.
    note = NoteBox((Run(doc.labels.get("placeholder_note", "")),))
    others = {section.anchor: _without(section, note) for section in without.sections}
    sections = tuple(
        section for section in doc.sections
        if section.anchor == own or others.get(section.anchor) != _without(section, note)
    )
    return render_html(dataclasses.replace(doc, sections=sections), style, fragment=True)


def _without(section: Section, note: NoteBox) -> tuple:
    return tuple(block for block in section.blocks if block != note)
