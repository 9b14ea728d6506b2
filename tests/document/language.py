"""Which language a paragraph of a document is in, and the paragraphs of a .docx and a PDF as a reader sees them.

The heuristic counts frequent function words that belong to one language only (words both languages
use, such as "de" and "en", are left out). A paragraph is Dutch when at least two Dutch words are found
and more Dutch than French ones; French the other way round; else undecided (names, numbers, headings).
"""
from __future__ import annotations

import html
import re
import subprocess
from io import BytesIO
from pathlib import Path

import docx

DUTCH = frozenset("""
het een van is op dat die niet voor zijn er aan ook als bij naar om wordt worden je jij jouw we wij ze hij zij hun
deze dit kan kunnen moet moeten geen door tot uit nog wat wie waar wanneer maar dan heeft hebben meer elke onze
welke hoe alleen binnen zonder tussen mag zal zullen wel dus hier daar eerst daarna samen wil over
""".split())
FRENCH = frozenset("""
le la les un une des du et est au aux à pour par sur dans avec que qui ne ce cette ces se sont il elle vous nous
leur leurs son sa ses ou où plus peut doit lors après avant chaque été être avez votre vos entre sans aussi comme
mais dont selon y sous cas lorsque ainsi peuvent toute tout tous toutes
""".split())
WORDS = re.compile(r"[a-zà-öø-ÿ]+")


def language_of(paragraph: str) -> str | None:
    """"nl", "fr" or None (too few telling words) for one paragraph."""
    words = WORDS.findall(paragraph.lower().replace("’", "'"))
    dutch = sum(word in DUTCH for word in words)
    french = sum(word in FRENCH for word in words)
    if dutch >= 2 and dutch > french:
        return "nl"
    if french >= 2 and french > dutch:
        return "fr"
    return None


def folded(text: str) -> str:
    """One space between words; a hyphenation point (U+2010 at a line end) joins its word again, as does a
    line break after a hyphen inside a word ("prévention-\nmédecin")."""
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w)-\s+(?=\w)", "-", re.sub(r"\u2010\s+", "", text))).strip()


def docx_paragraphs(data: bytes) -> list[str]:
    """Every paragraph of the .docx body and of its table cells, in document order."""
    word = docx.Document(BytesIO(data))
    found = []
    for item in word.iter_inner_content():
        if isinstance(item, docx.table.Table):
            found += [paragraph.text for row in item.rows for cell in row.cells for paragraph in cell.paragraphs]
        else:
            found.append(item.text)
    return [folded(text) for text in found if text.strip()]


def pdf_blocks(data: bytes, tmp_path: Path) -> list[str]:
    """The text blocks pdftotext finds (paragraphs, list items, table cells), running headers and footers left out."""
    path = tmp_path / "blocks.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True, text=True).stdout
    blocks = []
    for block in re.findall(r"<block [^>]*>(.*?)</block>", out, re.DOTALL):
        words = re.findall(r"<word [^>]*>(.*?)</word>", block)
        blocks.append(folded(" ".join(html.unescape(word) for word in words)))
    return [block for block in blocks if block]


def answer_texts(answers: dict) -> list[str]:
    """Every text the drafter typed (translations included), longest first, white space folded."""
    found: list[str] = []
    stack: list = [answers]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and len(node.strip()) > 2:
            found.append(folded(node))
    return sorted(set(found), key=len, reverse=True)


def without_answers(paragraph: str, texts: list[str]) -> str:
    """``paragraph`` with every typed answer in it taken out (the drafter's own words may be in either language)."""
    for typed in texts:  # as typed, and with a capital where it starts a sentence
        paragraph = paragraph.replace(typed, " ").replace(typed[:1].upper() + typed[1:], " ")
    return folded(paragraph)


def paragraphs_in(lang: str, paragraphs: list[str], answers: dict) -> list[str]:
    """The paragraphs that are in ``lang`` once the typed answers are taken out."""
    texts = answer_texts(answers)
    return [paragraph for paragraph in paragraphs if language_of(without_answers(paragraph, texts)) == lang]
