"""Render a :class:`Document` as HTML: the browser preview and the source of the PDF."""
from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.runtime import Macro
from markupsafe import Markup, escape

from ..recent import Recent
from .errors import StyleError
from .layout import column_widths, keep_numbers_together
from .model import Block, Document, Style

ASSETS = Path(__file__).resolve().parent / "assets"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def image_type(data: bytes) -> str:
    """The MIME type of a PNG, JPEG or GIF image; StyleError for anything else."""
    for magic, mime in IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime
    raise StyleError("logo: only PNG, JPEG or GIF images can be used")


def _data_uri(data: bytes) -> str:
    return f"data:{image_type(data)};base64,{base64.b64encode(data).decode('ascii')}"


def _lines(value: str) -> Markup:
    return Markup("<br>").join(_unbroken(keep_numbers_together(line)) for line in value.split("\n"))


ADDRESS_BREAKS = re.compile(r"(?<=@)|(?=\.)")  # an e-mail address may break after "@" and before a dot, nowhere else


def _unbroken(line: str) -> Markup:
    """``line`` escaped, its e-mail addresses in a span that is never hyphenated (broken after "@" or before a dot where it does not fit)."""
    if "@" not in line:
        return escape(line)
    parts, position = [], 0
    for match in EMAIL.finditer(line):
        address = Markup("<wbr>").join(escape(part) for part in ADDRESS_BREAKS.split(match.group()))
        parts += [escape(line[position : match.start()]), Markup('<span class="nobr">%s</span>') % address]
        position = match.end()
    return Markup("").join([*parts, escape(line[position:])])


def _css_string(value: str) -> Markup:
    """A quoted CSS string; anything but letters, digits and spaces is written as a CSS escape."""
    return Markup('"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):X} " for c in value) + '"')


ENVIRONMENT = Environment(
    loader=FileSystemLoader(str(ASSETS)),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_blocks = Recent(4096)  # (block, heading shift) -> its HTML; most blocks read the same from one save to the next


def _cached_block(macro: Macro, block: Block, shift: int) -> Markup:
    """The HTML the template's ``block`` macro makes of ``block``, made once per block (by value) and heading shift."""
    return _blocks.get((block, shift), lambda: macro(block))


ENVIRONMENT.globals["cached_block"] = _cached_block
ENVIRONMENT.filters.update(
    kind=lambda block: type(block).__name__, lines=_lines, data_uri=_data_uri, css_string=_css_string,
    column_widths=column_widths,
)


@lru_cache(maxsize=1)
def _template() -> Template:
    """document.html, compiled at the first render rather than at import (every start of the app would pay for it)."""
    return ENVIRONMENT.get_template("document.html")


def css_vars(style: Style) -> str:
    """The house style as CSS custom properties (values were checked by Style)."""
    return f"--pb-primary: {style.primary_colour}; --pb-font: '{style.font_family}'"


def render_html(doc: Document, style: Style, fragment: bool = False, link_stylesheet: bool = True, step: int = 0) -> str:
    """The whole document as an HTML page, or (``fragment``) just its <article> for the preview.

    ``link_stylesheet=False`` leaves out the <link> to document.css: the PDF renderer passes
    that stylesheet already parsed (once per process) instead. ``step`` is the staff card's
    font-size step (0 the largest; see pdf.fit_card).
    """
    return _template().render(
        doc=doc, style=style, logo=style.logo_bytes(), css_vars=css_vars(style), fragment=fragment,
        link_stylesheet=link_stylesheet, step=step, shift=1 if fragment else 0,  # a fragment sits below its page's own h1
    )
