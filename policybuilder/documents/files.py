"""Generated document files: made once per content, kept in the cache; a version's file is byte-stable."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from flask import Flask, current_app

from ..dates import local_date
from ..document import Document, DocumentMeta, Style
from ..answers import LANGUAGES, answers_language as answers_language_of
from ..document.card import card_languages
from ..extensions import db
from ..federation.store import schema_for, style_of
from ..models import Protocol, ProtocolVersion, TemplateVersion
from ..schema_store import get_schema
from .cache import cached, content_key, read_cached
from . import jobs
from .jobs import PARTS, RenderSpec, render_spec

DOCUMENT_LANGUAGES = LANGUAGES  # the languages the document texts are written in: Dutch, French


def version_meta(version: ProtocolVersion) -> DocumentMeta:
    """Cover, control block and footer facts of ``version``: draft until approved, then the approval."""
    approval = version.approval
    earlier = [v.number for v in version.protocol.versions if v.number < version.number and v.approval]
    return DocumentMeta(
        organisation=version.protocol.title,
        version_label=str(version.number),
        date=local_date(approval.created_at if approval else version.submitted_at),
        status="approved" if approval else "draft",
        approved_by_name=approval.name if approval else "",
        approved_by_function=approval.function if approval else "",
        consultation_body=approval.consultation_note if approval else "",
        consultation_date=approval.consultation_date if approval else None,
        in_force_date=approval.in_force_date if approval else None,
        next_review_date=approval.next_review_date if approval else None,
        replaces_version=str(earlier[-1]) if earlier else "",
        content_hash=version.content_hash,
        self_approved=bool(approval and approval.self_approved),
    )


def protocol_meta(protocol: Protocol) -> DocumentMeta:
    """The facts of the working draft: labelled 'concept' (versions are numbered 1, 2 …; saves are not counted), status draft."""
    return DocumentMeta(
        organisation=protocol.title,
        version_label="concept",
        date=local_date(protocol.updated_at),
        status="draft",
    )


def document_parts(
    answers: dict, meta: DocumentMeta, template: TemplateVersion | None, lang: str = "nl", part: str = "protocol"
) -> tuple[Document, Style]:
    """The document (or the staff card) and its house style: the sector template's clauses and style when there is one."""
    schema = get_schema()
    return PARTS[part](schema_for(template, schema), answers, meta, lang), style_of(template, schema)


def render_request(
    answers: dict, meta: DocumentMeta, fmt: str, template: TemplateVersion | None, lang: str = "nl", part: str = "protocol"
) -> tuple[str, RenderSpec]:
    """The content key of the .docx or .pdf of the protocol or the staff card, and the plain data that renders it."""
    style = style_of(template, get_schema())
    release = current_app.extensions["policybuilder.documents.release"]
    # A staff card shows a few of the answers: keyed by what it shows, a save elsewhere in the protocol keeps its file.
    content = answers if part == "protocol" else {"card": repr(document_parts(answers, meta, template, lang, part)[0])}
    key = content_key(content, meta, style, lang, fmt, f"{release}:{template.id if template else 0}", part)
    spec = RenderSpec(
        answers, meta, template.data if template else None, template.logo if template else None, fmt, lang, part,
        current_app.config.get("SCHEMA_DIR"),
    )
    return key, spec


def cached_file(key: str, spec: RenderSpec) -> bytes | None:
    """The file of ``key`` when it is in the cache."""
    return read_cached(Path(current_app.config["DOCUMENT_CACHE_DIR"]), key, spec.fmt, spec.keep)


def rendered_here(key: str, spec: RenderSpec) -> bytes:
    """The file of ``key`` from the cache, or rendered in this process and stored (Word files, checks, the CLI)."""
    return cached(
        Path(current_app.config["DOCUMENT_CACHE_DIR"]), key, spec.fmt, lambda: render_spec(spec, get_schema()),
        spec.keep, current_app.config["DOCUMENT_CACHE_MAX_BYTES"],
    )


def document_file(
    answers: dict, meta: DocumentMeta, fmt: str, template: TemplateVersion | None, lang: str = "nl", part: str = "protocol"
) -> tuple[bytes, str]:
    """The .docx or .pdf of the protocol or the staff card with its content key; made once, then read from the cache."""
    key, spec = render_request(answers, meta, fmt, template, lang, part)
    return rendered_here(key, spec), key


def answers_language(answers: dict) -> str:
    """The language the drafter types the answers in: the protocol's own document language (Dutch unless French)."""
    return answers_language_of(get_schema(), answers)


def document_languages(answers: dict) -> tuple[str, str]:
    """The languages the protocol's document is offered in: the answers' language first, then the other one."""
    first = answers_language(answers)
    return first, next(lang for lang in DOCUMENT_LANGUAGES if lang != first)


def render_ahead_languages(answers: dict, draft: bool = False) -> tuple[str, ...]:
    """The languages whose protocol PDF is made before anyone asks for it.

    A PDF costs a second or more of a render process, so only the files people are likely to ask for are made
    ahead. A draft changes with every save, and its drafter reads it in the answers' language: only that one.
    A submitted or approved version: both languages where French matters to the organisation (French-speaking
    staff, or answers typed in French: the Dutch document then still serves the Flemish management and the
    inspection), else only the answers' language. Any other file is made on its first download.
    """
    if not draft and ("fr" in staff_card_languages(answers) or answers_language(answers) == "fr"):
        return document_languages(answers)
    return (answers_language(answers),)


def render_ahead_of(protocol: Protocol, version: ProtocolVersion | None = None, delay: float = 0) -> None:
    """Queue the PDFs behind the download buttons (protocol per language, staff card per staff language) before
    anyone asks for them: a version's at once, the draft's ``delay`` seconds after its last save (a newer save
    replaces the wait; the draft is read again then, so the save itself does not spend time on it)."""
    if not current_app.config["RENDER_AHEAD"]:
        return
    if version is not None:
        jobs.render_ahead(_ahead(version.answers, version_meta(version), version.template_version, draft=False))
    elif not delay:
        jobs.render_ahead(_ahead(protocol.answers, protocol_meta(protocol), protocol.template_version, draft=True))
    else:
        jobs.render_ahead(partial(_draft_ahead, current_app._get_current_object(), protocol.id), delay, group=protocol.id)


def _draft_ahead(app: Flask, protocol_id: int) -> list[tuple[str, RenderSpec]]:
    """What to render ahead for the draft of ``protocol_id`` as it is now (in a timer's thread: its own app context)."""
    with app.app_context():
        protocol = db.session.get(Protocol, protocol_id)
        if protocol is None:  # deleted meanwhile
            return []
        return _ahead(protocol.answers, protocol_meta(protocol), protocol.template_version, draft=True)


def _ahead(answers: dict, meta: DocumentMeta, template: TemplateVersion | None, draft: bool) -> list[tuple[str, RenderSpec]]:
    renders = [render_request(answers, meta, "pdf", template, lang) for lang in render_ahead_languages(answers, draft)]
    return renders + [render_request(answers, meta, "pdf", template, lang, "card") for lang in staff_card_languages(answers)]


def staff_card_languages(answers: dict) -> tuple[str, ...]:
    """The languages the staff card is offered in for ``answers`` (Dutch first)."""
    return card_languages(get_schema(), answers)


def version_document(version: ProtocolVersion, fmt: str, lang: str | None = None) -> bytes:
    """The version's .docx or .pdf (default: in its answers' language), identical every time it is asked for."""
    lang = lang or answers_language(version.answers)
    return document_file(version.answers, version_meta(version), fmt, version.template_version, lang)[0]
