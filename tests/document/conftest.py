"""Documents built and rendered once per session from the two shipped examples."""
from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest

from policybuilder.document import DocumentMeta, Style, build_document, render_docx, render_pdf
from policybuilder.schema import load_schema

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
META = DocumentMeta(organisation="", version_label="concept 4", date=date(2025, 3, 14))


@pytest.fixture(scope="session")
def schema():
    return load_schema()


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session", params=["full", "minimal"])
def rendered(request, schema):
    """(document, docx bytes, pdf bytes) for each example."""
    doc = build_document(schema, example(request.param), META)
    return request.param, doc, render_docx(doc, Style()), render_pdf(doc, Style())


def docx_text(data: bytes, skip_toc: bool = True) -> str:
    """The body text of a .docx in document order (paragraphs and table cells), without the TOC."""
    word = docx.Document(BytesIO(data))
    parts, in_toc = [], False
    for item in word.iter_inner_content():
        if isinstance(item, docx.table.Table):
            parts += [cell.text for row in item.rows for cell in row.cells]
            continue
        if skip_toc and item.style.name == "TOC Heading" and item.text in ("Inhoud", "Table des matières"):
            in_toc = True
        elif item.style.name == "Heading 1":
            in_toc = False
        if not in_toc:
            parts.append(item.text)
    return "\n".join(parts)


def pdf_text(data: bytes, tmp_path: Path) -> list[str]:
    """The text of each PDF page in drawing order (pdftotext -raw)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True)
    return out.stdout.split("\f")[:-1]


def normalise(text: str) -> str:
    """One space between words; a hyphen at a line end joins the next word, a hyphenation point (U+2010) disappears."""
    return re.sub(r"-\s+", "-", re.sub(r"\u2010\s+", "", re.sub(r"\s+", " ", text))).strip()


FONTS = Path(__file__).resolve().parents[2] / "policybuilder" / "document" / "assets" / "fonts"


def word_as_pdf(data: bytes, tmp_path: Path, name: str = "doc") -> Path:
    """The .docx converted to PDF by LibreOffice (headless), as a reader with Word would lay it out.

    Word users have Arial; this machine may not, so LibreOffice gets the shipped Liberation fonts
    (Arial's metric twins, which it substitutes for Arial) through a fontconfig file of its own.
    """
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{FONTS}</dir></fontconfig>'
    )
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, check=True, timeout=180, env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    return tmp_path / f"{name}.pdf"
