"""Preview and download of a protocol's document, built from its saved answers."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file, send_from_directory
from flask_babel import gettext as _
from flask_login import login_required
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from ..document import MIME_TYPES, render_html
from ..access import protocol_or_404, version_or_404
from ..filenames import slug
from ..document.html import ASSETS
from . import jobs
from .files import (
    DOCUMENT_LANGUAGES,
    answers_language,
    cached_file,
    document_languages,
    document_parts,
    protocol_meta,
    render_request,
    rendered_here,
    staff_card_languages,
    version_meta,
)
from .jobs import RenderSpec, submit_render

bp = Blueprint("documents", __name__)
PUBLIC_ASSETS = {"document.css", *(f"fonts/{font.name}" for font in (ASSETS / "fonts").glob("*.ttf"))}
# Each language named in itself, as language menus do: a French speaker looks for "Français", not "Frans".
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français"}


class UnknownLanguage(NotFound):
    """A document asked for in a language it is not made in (``?lang=`` other than nl or fr, or a card's)."""

    def __init__(self, lang: str, offered: tuple[str, ...]):
        super().__init__()
        self.lang, self.offered = lang, offered


@bp.errorhandler(UnknownLanguage)
def unknown_language(error: UnknownLanguage):
    """Say which languages there are, in Dutch, instead of the bare 404 page."""
    offered = ", ".join(f"{LANGUAGE_NAMES[lang]} ({lang})" for lang in error.offered)
    message = _("Dit document bestaat niet in de taal “%(lang)s”. Het bestaat in: %(offered)s.", lang=error.lang[:20], offered=offered)
    return render_template("errors/error.html", code=404, message=message), 404


def document_language(answers: dict) -> str:
    """The language asked for with ``?lang=`` (nl or fr), else the answers' language."""
    lang = request.args.get("lang")
    if lang is None:
        return answers_language(answers)
    if lang not in DOCUMENT_LANGUAGES:
        raise UnknownLanguage(lang, document_languages(answers))
    return lang


def file_name(organisation: str, label: str, fmt: str, lang: str = "nl") -> str:
    """protocol-<org-slug>-<label>[-fr].<ext> (label: v<number> or concept; the Dutch file has no language mark, as
    before), ASCII letters, digits, dots and hyphens only."""
    mark = "" if lang == "nl" else f"-{lang}"
    return f"protocol-{slug(organisation, 'organisatie')}-{label}{mark}.{fmt}"


@bp.get("/protocols/<int:protocol_id>/preview")
@login_required
def preview(protocol_id: int):
    """The whole document as HTML inside the application's page, in ``?lang=`` (default: the answers' language)."""
    protocol = protocol_or_404(protocol_id)
    lang = document_language(protocol.answers)
    doc, style = document_parts(protocol.answers, protocol_meta(protocol), protocol.template_version, lang)
    return render_template(
        "documents/preview.html", protocol=protocol, lang=lang, document=Markup(render_html(doc, style, fragment=True))
    )


@bp.get("/protocols/<int:protocol_id>/download/<fmt>")
@login_required
def download(protocol_id: int, fmt: str):
    """The document as .docx or .pdf in ``?lang=``, from the cache when the answers did not change."""
    if fmt not in MIME_TYPES:
        abort(404)
    protocol = protocol_or_404(protocol_id)
    lang = document_language(protocol.answers)
    meta = protocol_meta(protocol)
    return _deliver(render_request(protocol.answers, meta, fmt, protocol.template_version, lang),
                    file_name(meta.organisation, "concept", fmt, lang), lang)


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>/preview")
@login_required
def version_preview(protocol_id: int, number: int):
    """A version's document as HTML in ``?lang=``: with its approval block once approved."""
    version = version_or_404(protocol_id, number)
    lang = document_language(version.answers)
    doc, style = document_parts(version.answers, version_meta(version), version.template_version, lang)
    return render_template(
        "documents/preview.html", protocol=version.protocol, version=version, lang=lang,
        document=Markup(render_html(doc, style, fragment=True)),
    )


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>/download/<fmt>")
@login_required
def version_download(protocol_id: int, number: int, fmt: str):
    """A version's .docx or .pdf in ``?lang=``: the same bytes at every download."""
    if fmt not in MIME_TYPES:
        abort(404)
    version = version_or_404(protocol_id, number)
    lang = document_language(version.answers)
    meta = version_meta(version)
    return _deliver(render_request(version.answers, meta, fmt, version.template_version, lang),
                    file_name(meta.organisation, f"v{version.number}", fmt, lang), lang)


@bp.get("/protocols/<int:protocol_id>/card/<lang>/<fmt>")
@login_required
def card_download(protocol_id: int, lang: str, fmt: str):
    """The staff card of the working draft (one A4 page) as .docx or .pdf, in one of the staff languages."""
    protocol = protocol_or_404(protocol_id)
    if fmt not in MIME_TYPES:
        abort(404)
    _card_language(protocol.answers, lang)
    meta = protocol_meta(protocol)
    request_ = render_request(protocol.answers, meta, fmt, protocol.template_version, lang, part="card")
    return _deliver(request_, card_file_name(meta.organisation, "concept", lang, fmt), lang)


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>/card/<lang>/<fmt>")
@login_required
def version_card_download(protocol_id: int, number: int, lang: str, fmt: str):
    """A version's staff card: without the draft mark once the version is approved; the same bytes every time."""
    version = version_or_404(protocol_id, number)
    if fmt not in MIME_TYPES:
        abort(404)
    _card_language(version.answers, lang)
    meta = version_meta(version)
    request_ = render_request(version.answers, meta, fmt, version.template_version, lang, part="card")
    return _deliver(request_, card_file_name(meta.organisation, f"v{version.number}", lang, fmt), lang)


def _card_language(answers: dict, lang: str) -> None:
    """A staff card exists in the staff languages only (the card's language is in its path)."""
    if lang not in staff_card_languages(answers):
        raise UnknownLanguage(lang, staff_card_languages(answers))


def card_file_name(organisation: str, label: str, lang: str, fmt: str) -> str:
    """kaart-<org-slug>-<label>-<lang>.<ext> (label: v<number> or concept), ASCII letters, digits, dots and hyphens only."""
    return f"kaart-{slug(organisation, 'organisatie')}-{label}-{lang}.{fmt}"


@bp.app_template_global()
def card_languages(answers: dict) -> tuple[str, ...]:
    """For the download buttons: the languages the staff card is offered in."""
    return staff_card_languages(answers)


@bp.app_template_global()
def protocol_languages(answers: dict) -> tuple[str, str]:
    """For the download buttons: the document's languages, the answers' language first."""
    return document_languages(answers)


@bp.app_template_global()
def language_name(lang: str) -> str:
    """A document language named in itself: Nederlands, Français."""
    return LANGUAGE_NAMES[lang]


def _deliver(render: tuple[str, RenderSpec], name: str, lang: str):
    """The file at once when it is ready (Word files are made here: they take milliseconds); else a PDF is queued and
    a 202 page says so and fetches it when ready. The page's links carry the language and the key it waits for
    (signed for this path and language, ``?v=``), so a draft saved meanwhile still delivers the file that was asked
    for; ``?status`` answers in JSON."""
    key, spec = render
    asked = _asked_key(lang)
    if asked not in (None, key) and jobs.status(asked, spec) != jobs.MISSING:
        key = asked
    data = cached_file(key, spec)
    if data is None and spec.fmt == "docx":
        data = rendered_here(key, spec)
    state = jobs.READY if data is not None else submit_render(key, spec)
    if state != jobs.READY and current_app.config["RENDER_WAIT"]:
        state = jobs.wait(key, spec, current_app.config["RENDER_WAIT"])
    if "status" in request.args:
        return jsonify(status=state), {jobs.READY: 200, jobs.FAILED: 500}.get(state, 202), {"Cache-Control": "no-store"}
    if state == jobs.READY and (data := data or cached_file(key, spec)) is not None:
        return send_file(BytesIO(data), mimetype=MIME_TYPES[spec.fmt], as_attachment=True, download_name=name, etag=key, max_age=0)
    failed = state == jobs.FAILED
    url = f"{request.path}?v={_signer().dumps([request.path, lang, key])}&lang={lang}"
    page = render_template("documents/pending.html", failed=failed, url=url, name=name)
    return page, 500 if failed else 202, {"Cache-Control": "no-store"}


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="policybuilder.documents.pending")


def _asked_key(lang: str) -> str | None:
    """The content key the waiting page asked for at this path and in this language, if its signature holds."""
    try:
        path, signed_lang, key = _signer().loads(request.args.get("v", ""))
    except (BadSignature, ValueError, TypeError):
        return None
    return key if (path, signed_lang) == (request.path, lang) else None


@bp.get("/document-assets/<path:name>")
def asset(name: str):
    """The preview's stylesheet and fonts (nothing else from the package)."""
    if name not in PUBLIC_ASSETS:
        abort(404)
    return send_from_directory(ASSETS, name)
