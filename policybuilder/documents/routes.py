"""Preview and download of a protocol's document, built from its saved answers."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file, send_from_directory
from flask_login import login_required
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from ..document import MIME_TYPES, render_html
from ..access import protocol_or_404, version_or_404
from ..filenames import slug
from ..document.html import ASSETS
from . import jobs
from .files import cached_file, document_parts, protocol_meta, rendered_here, render_request, staff_card_languages, version_meta
from .jobs import RenderSpec, submit_render

bp = Blueprint("documents", __name__)
PUBLIC_ASSETS = {"document.css", *(f"fonts/{font.name}" for font in (ASSETS / "fonts").glob("*.ttf"))}


def file_name(organisation: str, label: str, fmt: str) -> str:
    """protocol-<org-slug>-<label>.<ext> (label: v<number> or concept), ASCII letters, digits, dots and hyphens only."""
    return f"protocol-{slug(organisation, 'organisatie')}-{label}.{fmt}"


@bp.get("/protocols/<int:protocol_id>/preview")
@login_required
def preview(protocol_id: int):
    """The whole document as HTML inside the application's page."""
    protocol = protocol_or_404(protocol_id)
    doc, style = document_parts(protocol.answers, protocol_meta(protocol), protocol.template_version)
    return render_template(
        "documents/preview.html", protocol=protocol, document=Markup(render_html(doc, style, fragment=True))
    )


@bp.get("/protocols/<int:protocol_id>/download/<fmt>")
@login_required
def download(protocol_id: int, fmt: str):
    """The document as .docx or .pdf, from the cache when the answers did not change."""
    if fmt not in MIME_TYPES:
        abort(404)
    protocol = protocol_or_404(protocol_id)
    meta = protocol_meta(protocol)
    return _deliver(render_request(protocol.answers, meta, fmt, protocol.template_version), file_name(meta.organisation, "concept", fmt))


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>/preview")
@login_required
def version_preview(protocol_id: int, number: int):
    """A version's document as HTML: with its approval block once approved."""
    version = version_or_404(protocol_id, number)
    doc, style = document_parts(version.answers, version_meta(version), version.template_version)
    return render_template(
        "documents/preview.html", protocol=version.protocol, version=version,
        document=Markup(render_html(doc, style, fragment=True)),
    )


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>/download/<fmt>")
@login_required
def version_download(protocol_id: int, number: int, fmt: str):
    """A version's .docx or .pdf: the same bytes at every download."""
    if fmt not in MIME_TYPES:
        abort(404)
    version = version_or_404(protocol_id, number)
    meta = version_meta(version)
    return _deliver(render_request(version.answers, meta, fmt, version.template_version), file_name(meta.organisation, f"v{version.number}", fmt))


@bp.get("/protocols/<int:protocol_id>/card/<lang>/<fmt>")
@login_required
def card_download(protocol_id: int, lang: str, fmt: str):
    """The staff card of the working draft (one A4 page) as .docx or .pdf, in one of the staff languages."""
    protocol = protocol_or_404(protocol_id)
    if fmt not in MIME_TYPES or lang not in staff_card_languages(protocol.answers):
        abort(404)
    meta = protocol_meta(protocol)
    request_ = render_request(protocol.answers, meta, fmt, protocol.template_version, lang, part="card")
    return _deliver(request_, card_file_name(meta.organisation, "concept", lang, fmt))


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>/card/<lang>/<fmt>")
@login_required
def version_card_download(protocol_id: int, number: int, lang: str, fmt: str):
    """A version's staff card: without the draft mark once the version is approved; the same bytes every time."""
    version = version_or_404(protocol_id, number)
    if fmt not in MIME_TYPES or lang not in staff_card_languages(version.answers):
        abort(404)
    meta = version_meta(version)
    request_ = render_request(version.answers, meta, fmt, version.template_version, lang, part="card")
    return _deliver(request_, card_file_name(meta.organisation, f"v{version.number}", lang, fmt))


def card_file_name(organisation: str, label: str, lang: str, fmt: str) -> str:
    """kaart-<org-slug>-<label>-<lang>.<ext> (label: v<number> or concept), ASCII letters, digits, dots and hyphens only."""
    return f"kaart-{slug(organisation, 'organisatie')}-{label}-{lang}.{fmt}"


@bp.app_template_global()
def card_languages(answers: dict) -> tuple[str, ...]:
    """For the download buttons: the languages the staff card is offered in."""
    return staff_card_languages(answers)


def _deliver(render: tuple[str, RenderSpec], name: str):
    """The file at once when it is ready (Word files are made here: they take milliseconds); else a PDF is queued and
    a 202 page says so and fetches it when ready. The page's links carry the key it waits for (signed for this
    path, ``?v=``), so a draft saved meanwhile still delivers the file that was asked for; ``?status`` answers in JSON."""
    key, spec = render
    asked = _asked_key()
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
    url = f"{request.path}?v={_signer().dumps([request.path, key])}"
    page = render_template("documents/pending.html", failed=failed, url=url, name=name)
    return page, 500 if failed else 202, {"Cache-Control": "no-store"}


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="policybuilder.documents.pending")


def _asked_key() -> str | None:
    """The content key the waiting page asked for at this path, if its signature holds."""
    try:
        path, key = _signer().loads(request.args.get("v", ""))
    except (BadSignature, ValueError, TypeError):
        return None
    return key if path == request.path else None


@bp.get("/document-assets/<path:name>")
def asset(name: str):
    """The preview's stylesheet and fonts (nothing else from the package)."""
    if name not in PUBLIC_ASSETS:
        abort(404)
    return send_from_directory(ASSETS, name)
