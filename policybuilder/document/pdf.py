"""Render a :class:`Document` as a tagged A4 PDF with WeasyPrint, over :func:`render_html`."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import RenderError
from .html import ASSETS, render_html
from .model import Document, Style

ALLOWED_FILES = {ASSETS / "document.css": "text/css", **{font: "font/ttf" for font in (ASSETS / "fonts").glob("*.ttf")}}
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class LocalOnlyFetcher(URLFetcher):
    """Serves the package's own stylesheet and fonts and inline images; refuses every other URL."""

    def __init__(self):
        super().__init__(fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Return the asset or data image at ``url``; ValueError (logged, never fetched) otherwise."""
        parts = urlsplit(url)
        if parts.scheme == "data" and url.startswith("data:image/"):
            return super().fetch(url, headers)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path in ALLOWED_FILES:
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": ALLOWED_FILES[path]})
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: only the document's own files are loaded")


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One font configuration for every render in this process."""
    return FontConfiguration()


def render_pdf(doc: Document, style: Style, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """The document as a PDF/UA-1 tagged PDF with title and language in its metadata."""
    html = HTML(string=render_html(doc, style), base_url=str(ASSETS) + "/", url_fetcher=fetcher or LocalOnlyFetcher())
    try:
        return html.write_pdf(font_config=font_config(), **PDF_OPTIONS)
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc

