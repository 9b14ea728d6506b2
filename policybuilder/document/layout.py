"""Layout decisions both renderers share: unbreakable phone numbers and column widths from content.

Widths are estimated from character counts (no font metrics): each column gets at least its
longest unbreakable word (a phone number with non-breaking spaces, an e-mail address, a long
word) and the rest of the line is shared in proportion to how much text each column holds,
as a browser's automatic table layout does. Word and the PDF then draw the same columns.
"""
from __future__ import annotations

import re

from .model import Table, plain

NBSP = "\u00a0"
#: A Belgian phone number as people write it: 015 28 44 12, 0471 23 45 67, +32 15 28 44 12, 015/28.44.12.
PHONE = re.compile(r"(?<![\w@])\+?\(?\d{2,4}\)?(?:[ ./]\d{2,4}){2,4}(?![\w@])")
WORD = re.compile(r"\S+")
#: Characters of 9.5 pt text that fit across the 17 cm text width, less each cell's padding.
LINE_CHARS = 96
CELL_PADDING_CHARS = 2
MIN_COLUMN_CHARS = 5
#: A column never needs more room than this many characters of its longest cell.
PREFERRED_CAP = 160


def keep_numbers_together(text: str) -> str:
    """``text`` with the spaces inside phone numbers made non-breaking, so no number is split over lines."""
    if not any(c.isdigit() for c in text):
        return text
    return PHONE.sub(lambda match: match.group().replace(" ", NBSP), text)


def _cell_sizes(text: str) -> tuple[int, int]:
    """(longest unbreakable word, whole length) of a cell's text, in characters."""
    text = keep_numbers_together(text)
    words = WORD.findall(text)
    return (max((len(word) for word in words), default=0), len(text))


def column_widths(table: Table) -> tuple[float, ...]:
    """Relative column widths (summing to 1) for ``table``.

    Forms (empty cells to write in) keep the widths their texts give; other tables get widths
    from their content, never narrower than the longest word, number or e-mail address.
    """
    count = len(table.headers)
    if table.form and table.widths:
        total = sum(table.widths)
        return tuple(width / total for width in table.widths)
    columns = [[header] for header in table.headers]
    for row in table.rows:
        for index, cell in enumerate(row[:count]):
            columns[index].append(plain(cell))
    minimum, preferred = [], []
    for cells in columns:
        sizes = [_cell_sizes(cell) for cell in cells]
        words = max(MIN_COLUMN_CHARS, *(word for word, _ in sizes))
        minimum.append(words + CELL_PADDING_CHARS)
        preferred.append(max(words, min(PREFERRED_CAP, max(whole for _, whole in sizes))) + CELL_PADDING_CHARS)
    if table.widths and len(table.widths) == count:
        # The text's widths are a hint for sharing the room, never below a column's minimum.
        total = sum(table.widths)
        preferred = [max(low, LINE_CHARS * width / total) for low, width in zip(minimum, table.widths)]
    room = LINE_CHARS - sum(minimum)
    if room <= 0:
        widths = minimum
    elif sum(preferred) <= LINE_CHARS:
        spare = LINE_CHARS - sum(preferred)
        widths = [pref + spare * pref / sum(preferred) for pref in preferred]
    else:
        extra = [pref - low for low, pref in zip(minimum, preferred)]
        widths = [low + room * more / (sum(extra) or 1) for low, more in zip(minimum, extra)]
    total = sum(widths)
    return tuple(round(width / total, 4) for width in widths)

