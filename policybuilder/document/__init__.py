"""The protocol document: build it from the answers, render it as Word, HTML or PDF. No Flask here.

The Word and PDF renderers (python-docx, WeasyPrint, pikepdf) are imported on first use, so that the
command line, the web app's start-up and a worker that only builds or previews pay nothing for them.
"""
from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import Any

from ..answers import format_date
from .build import build_document
from .card import build_staff_card
from .errors import DocumentError, RenderError, StyleError, TemplateError, UnknownFormat
from .html import render_html
from .model import Document, DocumentMeta, Style

#: Public names served by a heavy submodule, imported when the name is first looked up.
_LAZY = {"render_docx": "docx", "render_pdf": "pdf"}


def __getattr__(name: str) -> Any:
    """``render_docx`` and ``render_pdf``, their module imported on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_LAZY[name]}", __name__), name)


class _Renderers(Mapping):
    """Format -> renderer function; the renderer's module is imported when its format is first looked up."""

    _formats = ("docx", "pdf")

    def __getitem__(self, fmt: str) -> Callable[[Document, Style], bytes]:
        if fmt not in self._formats:
            raise KeyError(fmt)
        return __getattr__(f"render_{fmt}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)


FORMATS: Mapping[str, Callable[[Document, Style], bytes]] = _Renderers()
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
