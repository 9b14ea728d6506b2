"""Documents built and rendered once per session from the two shipped examples."""
from __future__ import annotations

import json
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
    """One space between words; a hyphen at a line end joins the next word."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()
