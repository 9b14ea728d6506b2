"""The protocol document: build it from the answers, render it as Word, HTML or PDF. No Flask here."""
from ..answers import format_date
from .build import build_document
from .card import build_staff_card
from .docx import render_docx
from .errors import DocumentError, RenderError, StyleError, TemplateError, UnknownFormat
from .html import render_html
from .model import Document, DocumentMeta, Style
from .pdf import render_pdf

FORMATS = {"docx": render_docx, "pdf": render_pdf}
MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(doc: Document, style: Style, fmt: str) -> bytes:
    """The document as ``fmt`` (docx or pdf); UnknownFormat otherwise."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise UnknownFormat(f"unknown format {fmt!r}: choose docx or pdf") from None
    return renderer(doc, style)


__all__ = [
    "Document", "DocumentError", "DocumentMeta", "FORMATS", "MIME_TYPES", "RenderError", "Style", "StyleError",
    "TemplateError", "UnknownFormat", "build_document", "build_staff_card", "format_date", "render", "render_docx", "render_html",
    "render_pdf",
]
