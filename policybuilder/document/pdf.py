"""Render a :class:`Document` as a tagged A4 PDF with WeasyPrint, over :func:`render_html`.

Speed (see bench/render.py): the stylesheet and its fonts are parsed once per process and
passed to WeasyPrint already parsed; the per-document HTML only carries a small <style> with
the page margins' texts; the user-agent stylesheet leaves out footnote/note pseudo-elements.
The cyclic garbage collector is paused during a render (WeasyPrint builds hundreds of thousands
of short-lived objects and the collector's repeated passes over them cost about a tenth of the
render) and the render's garbage is collected once, from the youngest generation, at the end.
"""
from __future__ import annotations

import gc
import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
import pydyf

from weasyprint import CSS, HTML
from weasyprint import html as weasyprint_html
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import RenderError
from .html import ASSETS, render_html
from .layout import CARD_SIZES
from .card import shorten_card
from .model import Document, Style, Table

STYLESHEET = ASSETS / "document.css"
ALLOWED_FILES = {STYLESHEET: "text/css", **{font: "font/ttf" for font in (ASSETS / "fonts").glob("*.ttf")}}
#: Tagged PDF/UA-1 is the default. The benchmark clears this dict to measure what tags cost.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


_weasyprint_box_tree = weasyprint_tags._build_box_tree


def _box_tree_with_lang(box, *args):
    """WeasyPrint's structure elements for ``box``, a ``<span lang>`` given its own /Lang.

    WeasyPrint 70 puts the document's language in the catalogue only; an answer quoted in the other language
    (``<span lang="nl-BE">`` in a French document) needs a /Lang of its own for screen readers (PDF/UA-1 7.2).
    The module's own recursion looks the function up by name, so every level of the tree passes through here.
    """
    box = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
    source = box.element if getattr(box, "element_tag", None) == "span" else None
    lang = source.get("lang") if source is not None else None
    for element in _weasyprint_box_tree(box, *args):
        if lang and element["S"] == "/Span":
            element["Lang"] = pydyf.String(lang)
        yield element


weasyprint_tags._build_box_tree = _box_tree_with_lang


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


@lru_cache(maxsize=1)
def stylesheet() -> CSS:
    """document.css parsed once per process; its @font-face fonts are registered in :func:`font_config`."""
    return CSS(filename=str(STYLESHEET), url_fetcher=LocalOnlyFetcher(), font_config=font_config())


@lru_cache(maxsize=1)
def user_agent_stylesheet() -> CSS:
    """WeasyPrint's HTML user-agent stylesheet without what this document never uses.

    Its universal ``::footnote-call``, ``::footnote-marker``, ``::note-*`` and ``::marker`` rules
    give every element of the document six pseudo-element styles to compute; here the note and
    footnote rules are left out (the document has none) and ``::marker`` applies to list items only
    (the only elements with markers). Everything else is WeasyPrint's own sheet, read from the
    installed version.
    """
    text = re.sub(r"::(?:footnote|note)-[a-z]+ \{[^}]*\}", "", weasyprint_html.UA)
    text = text.replace("\n::marker {", "\nli::marker {")
    return CSS(string=text, counter_style=weasyprint_html.UA_COUNTER_STYLE)


class _DocumentHTML(HTML):
    """An HTML source with the trimmed user-agent stylesheet (same output, less cascade work)."""

    def _ua_stylesheets(self, forms=False):
        return [user_agent_stylesheet()]


#: Font-size steps the staff card may shrink through to stay on one page.
CARD_STEPS = len(CARD_SIZES)


def render_pdf(doc: Document, style: Style, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """The document as a PDF/UA-1 tagged PDF with title and language in its metadata (the card on one page)."""
    if doc.is_card:
        return fit_card(doc, style, fetcher)[1]
    with _collector_paused():
        return _write(_layout(doc, style, fetcher))


def fitted_card(doc: Document, style: Style) -> tuple[int, Document]:
    """The font-size step at which the staff card fits one A4 page, and the card as it fits (see :func:`fit_card`)."""
    with _collector_paused():
        step, fitted, _rendered = _fitted(doc, style, None)
        return step, fitted


def fit_card(doc: Document, style: Style, fetcher: LocalOnlyFetcher | None = None) -> tuple[int, bytes]:
    """(step, PDF) of the staff card laid out at ever smaller steps until it fits one page.

    Should even the smallest step need a second page, the card's longest table (the contacts)
    loses rows a quarter at a time, a last row sending the reader to the protocol for the rest.
    """
    with _collector_paused():
        step, _fitted_doc, rendered = _fitted(doc, style, fetcher)
        return step, _write(rendered)


def _fitted(doc: Document, style: Style, fetcher: LocalOnlyFetcher | None):
    for step in range(CARD_STEPS):
        rendered = _layout(doc, style, fetcher, step)
        if len(rendered.pages) == 1:
            return step, doc, rendered
    longest = max((len(block.rows) for block in doc.sections[0].blocks if isinstance(block, Table)), default=0)
    for quarters in range(1, 4):
        shorter = shorten_card(doc, max(1, longest * quarters // 4))
        if shorter is None:
            break
        rendered = _layout(shorter, style, fetcher, step)
        if len(rendered.pages) == 1:
            return step, shorter, rendered
    return step, doc, rendered


def _layout(doc: Document, style: Style, fetcher: LocalOnlyFetcher | None, step: int = 0):
    """WeasyPrint's laid-out pages of ``doc`` (no PDF written yet)."""
    source = render_html(doc, style, link_stylesheet=False, step=step)
    try:
        html = _DocumentHTML(string=source, base_url=str(ASSETS) + "/", url_fetcher=fetcher or LocalOnlyFetcher())
        return html.render(font_config=font_config(), stylesheets=[stylesheet()], **PDF_OPTIONS)
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc


def _write(rendered) -> bytes:
    """The PDF of laid-out pages, its tags completed (see :func:`finish_tags`)."""
    try:
        data = rendered.write_pdf(**PDF_OPTIONS)
    except Exception as exc:  # WeasyPrint raises many kinds; the caller needs one
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    return finish_tags(data) if PDF_OPTIONS.get("pdf_tags") else data


# One render at a time per process: the shared font configuration is not thread-safe (threaded servers such as
# gunicorn's gthread workers got PDFs of another size, or crashed, with renders side by side).
_ONE_RENDER_AT_A_TIME = threading.RLock()


@contextmanager
def _collector_paused():
    """One render at a time, with the cyclic collector off (nests: only the outermost turns it back on)."""
    with _ONE_RENDER_AT_A_TIME:
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if collecting:
                gc.enable()
                gc.collect(0)  # the render's own cyclic garbage is all in the youngest generation


_MARKED = re.compile(rb"/\w+\n<</MCID (\d+)>>\nBDC\n")


def finish_tags(data: bytes) -> bytes:
    """What WeasyPrint's tagging leaves out, added with pikepdf: /Scope on every table header cell
    (Column in a thead, Row elsewhere) and the page-margin texts marked as /Artifact.

    WeasyPrint gives the running header and footer structure elements of their own that no
    element of the tree links to; their marked content becomes an /Artifact and their entries
    in the parent tree are emptied. The output is byte-stable for the same input.
    """
    with pikepdf.open(BytesIO(data)) as pdf:
        reachable: set[tuple[int, int]] = set()
        stack = list(pdf.Root.StructTreeRoot.K)
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                continue
            reachable.add(node.objgen)
            if node.S == "/TH":
                head = node.P.P.get("/S") == "/THead"
                node.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Column if head else pikepdf.Name.Row)
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for index, page in enumerate(pdf.pages):
            marks = nums[2 * index + 1]
            margin = {mcid for mcid, element in enumerate(marks) if element is not None and element.objgen not in reachable}
            if not margin:
                continue
            for mcid in margin:
                marks[mcid] = None
            stream = page.obj.Contents
            stream.write(_MARKED.sub(
                lambda match: b"/Artifact\nBMC\n" if int(match[1]) in margin else match[0], stream.read_bytes()
            ))
        out = BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
