"""Layout decisions both renderers share: unbreakable phone numbers and column widths from content.

Column widths come from the text's real widths in Liberation Sans (the metric twin of Arial,
shipped in assets/fonts): each column gets at least its widest unbreakable word (a phone
number with non-breaking spaces, an e-mail address; a plain word may be hyphenated) and the
rest of the line is shared in proportion to how much text each column holds, as a browser's
automatic table layout does. Word and the PDF then draw the same columns.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from .model import BulletList, Document, Heading, LanguageNote, NoteBox, NumberedList, Paragraph, Table, plain

NBSP = "\u00a0"
#: A Belgian phone number as people write it: 015 28 44 12, 0471 23 45 67, +32 15 28 44 12, 015/28.44.12.
PHONE = re.compile(r"(?<![\w@])\+?\(?\d{2,4}\)?(?:[ ./]\d{2,4}){2,4}(?![\w@])")
DIGIT = re.compile(r"\d")
WORD = re.compile(r"[^ \t\n]+")  # a non-breaking space joins
FONT = Path(__file__).resolve().parent / "assets" / "fonts" / "LiberationSans-Regular.ttf"
#: Widths in em of the table text (9.5 pt): the 17 cm text width, a cell's padding and borders.
LINE_EM = 482 / 9.5
CELL_PADDING_EM = 1.0
MIN_COLUMN_EM = 2.5
BOLD = 1.08  # header cells are bold: about this much wider
HYPHENATED_EM = 4.5  # a column narrower than a long plain word hyphenates it
#: A column never needs more room than this for its longest cell.
PREFERRED_CAP_EM = 60
#: The staff card's font size (pt) at each step it may shrink through to fit one page (document.css, .card.step-N).
CARD_SIZES = (10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7)


def keep_numbers_together(text: str) -> str:
    """``text`` with the spaces inside phone numbers made non-breaking, so no number is split over lines."""
    if DIGIT.search(text) is None:  # most texts: no number to look at
        return text
    return PHONE.sub(lambda match: match.group().replace(" ", NBSP), text)


@lru_cache(maxsize=1)
def _advances() -> tuple[dict[str, float], float]:
    """Advance width in em of each character of Liberation Sans, and a fallback for the rest."""
    from fontTools.ttLib import TTFont  # fontTools comes with WeasyPrint; read once per process

    with TTFont(str(FONT), lazy=True) as font:
        scale = 1 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {chr(code): metrics[name][0] * scale for code, name in font.getBestCmap().items()}
    return widths, widths["n"]


def text_width(text: str) -> float:
    """The width of ``text`` in em of Liberation Sans (Arial's metrics)."""
    widths, fallback = _advances()
    return sum(map(widths.get, text, repeat(fallback)))  # a few thousand texts a document: kept out of Python's loop


def _cell_sizes(text: str, bold: bool = False) -> tuple[float, float]:
    """(narrowest width the cell can take, whole width) of a cell's text, in em.

    Phone numbers and other words with digits are never split, e-mail addresses only after "@" or before a dot, so the column
    takes their whole width; a web address breaks after a slash or a hyphen; a plain word may be
    hyphenated (both renderers hyphenate table cells), so it asks for HYPHENATED_EM at most.
    """
    factor = BOLD if bold else 1
    words = WORD.findall(keep_numbers_together(text))
    narrowest = max((_unsplit_width(word) for word in words), default=0)
    return narrowest * factor, text_width(text) * factor


def _unsplit_width(word: str) -> float:
    """The narrowest a word can be set: a number whole, an e-mail address from "@" or "." on, a web address from "/" to "/"."""
    if "@" in word:  # the PDF breaks an address after "@" and before a dot (html.ADDRESS_BREAKS), Word where it must
        return max(text_width(piece) for piece in re.split(r"(?<=@)|(?=\.)", word))
    if any(c.isdigit() for c in word):
        return text_width(word)
    pieces = re.split(r"(?<=[/-])", word)  # lines may break after a slash or a hyphen
    return max(_piece_width(piece) for piece in pieces)


def _piece_width(piece: str) -> float:
    width = text_width(piece)
    return min(width, HYPHENATED_EM) if piece.strip(".,;:!?()/-").isalpha() else width


def column_widths(table: Table) -> tuple[float, ...]:
    """Relative column widths (summing to 1) for ``table``.

    Forms (empty cells to write in) keep the widths their texts give; other tables get widths
    from their content, never narrower than the longest word, number or e-mail address.
    """
    count = len(table.headers)
    if table.form and table.widths:
        total = sum(table.widths)
        return tuple(width / total for width in table.widths)
    columns = [[(header, True)] for header in table.headers]
    for row in table.rows:
        for index, cell in enumerate(row[:count]):
            columns[index].append((plain(cell), False))
    minimum, preferred = [], []
    for cells in columns:
        sizes = [_cell_sizes(cell, bold) for cell, bold in cells]
        narrowest = max(MIN_COLUMN_EM, *(low for low, _ in sizes))
        minimum.append(narrowest + CELL_PADDING_EM)
        preferred.append(max(narrowest, min(PREFERRED_CAP_EM, max(whole for _, whole in sizes))) + CELL_PADDING_EM)
    if table.widths and len(table.widths) == count:
        # The text's widths are a hint for sharing the room, never below a column's minimum.
        total = sum(table.widths)
        preferred = [max(low, LINE_EM * width / total) for low, width in zip(minimum, table.widths)]
    room = LINE_EM - sum(minimum)
    if room <= 0:
        widths = minimum
    elif sum(preferred) <= LINE_EM:
        spare = LINE_EM - sum(preferred)
        widths = [pref + spare * pref / sum(preferred) for pref in preferred]
    else:
        extra = [pref - low for low, pref in zip(minimum, preferred)]
        widths = [low + room * more / (sum(extra) or 1) for low, more in zip(minimum, extra)]
    total = sum(widths)
    return tuple(round(width / total, 4) for width in widths)



# -- page numbers for Word's stored table of contents ---------------------------------------------
# Word keeps the last computed result of its TOC field; LibreOffice and Word show it until the field
# is updated. The page of each chapter is estimated from the Word styles' metrics (docx.py: 10.5 pt
# single-spaced body, 6 pt after a paragraph, 9.5 pt table text, A4 with a 25.5 x 17 cm text area),
# without laying the document out: a .docx never waits for WeasyPrint or LibreOffice.
TEXT_HEIGHT_PT = 723.0
TEXT_WIDTH_PT = 482.0
LINE = 1.15  # single line spacing, in em
WRAP = 1.15  # lines break at spaces: a line holds a little less than its width
FIRST_SECTION_PAGE = 3  # after the cover, and the control block with the contents


def _text_height(text: str, width_pt: float, size: float = 10.5) -> float:
    lines = sum(max(1, math.ceil(text_width(line) * size * WRAP / width_pt)) for line in text.split("\n"))
    return lines * size * LINE


def _block_height(block) -> float:
    if isinstance(block, Heading):
        return 10 + (13.5 if block.level == 2 else 11.5) * LINE
    if isinstance(block, (Paragraph, NoteBox, LanguageNote)):
        return _text_height(plain(block.runs), TEXT_WIDTH_PT) + 6
    if isinstance(block, (BulletList, NumberedList)):
        return sum(_text_height(plain(item), TEXT_WIDTH_PT - 18) + 6 for item in block.items)
    if isinstance(block, Table):
        widths = [TEXT_WIDTH_PT * share - 11 for share in column_widths(block)]
        rows = [tuple(block.headers), *(tuple(plain(cell) for cell in row) for row in block.rows)]
        height = 0.0
        for row in rows:
            tallest = max(_text_height(cell, width, 9.5) for cell, width in zip(row, widths))
            height += max(tallest, 28.35 if block.form and row is not rows[0] else 0) + 1
        return height + 10.5 * LINE + 6  # the empty paragraph after a table
    return 0.0


def estimate_pages(doc: Document) -> dict[str, int]:
    """The estimated Word page of each section (by anchor): intro and annexes start a page, chapters flow."""
    pages: dict[str, int] = {}
    page, used = FIRST_SECTION_PAGE - 1, TEXT_HEIGHT_PT
    for section in doc.sections:
        title = 24 + 18 * LINE
        if section.kind != "chapter" or used + title + 3 * 10.5 * LINE > TEXT_HEIGHT_PT:
            page, used = page + 1, 0.0
        pages[section.anchor] = page
        used += title if used else title - 24
        for block in section.blocks:
            used += _block_height(block)
            while used > TEXT_HEIGHT_PT:
                page, used = page + 1, used - TEXT_HEIGHT_PT
        if section.keep_on_one_page:  # made to fit one page (compact in Word as well)
            page, used = pages[section.anchor], TEXT_HEIGHT_PT
    return pages
