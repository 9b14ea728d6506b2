"""The part of the document one wizard step produces, for the live preview beside the step.

Each web process keeps the documents it built lately, by content, with what each section read of the answers,
so that a preview builds again only the sections that read the step's answers (to see which of them change
when the step is left empty), and the saved draft's preview per revision, so that opening a step again or
reloading it costs nothing.
"""
from __future__ import annotations

import dataclasses

from ..canonical import content_hash
from ..document import Document, DocumentMeta, Style, render_html
from ..document.build import Reads, build_with_reads, sections_changed_by
from ..documents.files import protocol_meta
from ..federation.store import schema_for, style_of
from ..models import Protocol
from ..recent import Recent
from ..schema import Element, Schema
from ..schema_store import get_schema

OWN_SECTION = {"profile": "intro"}


_documents = Recent(64)  # (schema, answers hash, meta, template, lang) -> (Document, Reads, Schema, Style)
# (schema, protocol, template, lang[, step]) -> [the Reads of its latest build (with the step left empty)]: the next starts from it
_latest = Recent(256)
_saved_previews = Recent(256)  # (schema, protocol, revision, meta, template, step, lang) -> HTML


def step_preview(protocol: Protocol, element: Element, answers: dict, lang: str = "nl") -> str:
    """HTML of the document's sections that this step's answers fill in, rendered by the preview's renderer.

    A section belongs to the step when it is the step's own chapter or when it reads differently
    with the step's answers left empty.
    """
    meta = protocol_meta(protocol)
    doc, reads, schema, style = _document(answers, meta, protocol, lang)
    own = OWN_SECTION.get(element.key, f"ch-{element.key}")
    blanked = _latest.get((get_schema(), protocol.id, protocol.template_version_id, lang, element.key), lambda: [None])
    changed, blanked[0] = sections_changed_by(schema, doc, reads, element.key, meta, skip=frozenset({own}), earlier=blanked[0])
    sections = tuple(section for section in doc.sections if section.anchor == own or section.anchor in changed)
    return render_html(dataclasses.replace(doc, sections=sections), style, fragment=True)


def saved_step_preview(protocol: Protocol, element: Element, lang: str = "nl") -> str:
    """The preview of the step from the saved draft: made once per revision (and language) in each process."""
    key = (get_schema(), protocol.id, protocol.revision, protocol_meta(protocol), protocol.template_version_id, element.key, lang)
    return _saved_previews.get(key, lambda: step_preview(protocol, element, protocol.answers, lang))


def _document(answers: dict, meta: DocumentMeta, protocol: Protocol, lang: str) -> tuple[Document, Reads, Schema, Style]:
    """The protocol for ``answers`` with what each section read, its schema (with the template's clauses) and house style."""
    base = get_schema()
    key = (base, content_hash(answers), meta, protocol.template_version_id, lang)

    def build() -> tuple[Document, Reads, Schema, Style]:
        template = protocol.template_version
        schema = schema_for(template, base)
        latest = _latest.get((base, protocol.id, protocol.template_version_id, lang), lambda: [None])
        doc, latest[0] = build_with_reads(schema, answers, meta, lang, earlier=latest[0])
        return doc, latest[0], schema, style_of(template, base)

    return _documents.get(key, build)
