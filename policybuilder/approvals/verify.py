"""Check a Word or PDF file against the versions on record: which version, and is the text unchanged?"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

import docx
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select

from ..extensions import db
from ..models import ProtocolVersion

HASH = re.compile(r"(?:Inhoudshash|Empreinte)\s*:?\s*([0-9a-f]{12})\b")


class VerifyForm(FlaskForm):
    document = FileField(_l("Document (.docx of .pdf)"), validators=[FileRequired()])


@dataclass(frozen=True)
class VerifyResult:
    status: str  # match, altered, unknown, unreadable
    version: ProtocolVersion | None = None


def document_text(data: bytes) -> str:
    """All text of a .docx or .pdf file, white space folded; ValueError if it is neither."""
    if data.startswith(b"%PDF"):
        try:
            text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)
        except (PdfReadError, ValueError, KeyError) as exc:
            raise ValueError(f"unreadable PDF: {exc}") from exc
    elif data.startswith(b"PK"):
        try:
            text = _docx_text(docx.Document(BytesIO(data)))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise ValueError(f"unreadable Word file: {exc}") from exc
    else:
        raise ValueError("neither a .docx nor a .pdf file")
    return " ".join(text.split())


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs] + [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def verify_bytes(data: bytes, regenerate) -> VerifyResult:
    """Find the version whose hash the file names, and compare the file's text with that version's document.

    ``regenerate(version, fmt)`` returns the version's document as bytes.
    """
    try:
        text = document_text(data)
    except ValueError:
        return VerifyResult("unreadable")
    found = HASH.search(text)
    if not found:
        return VerifyResult("unknown")
    candidates = db.session.scalars(
        select(ProtocolVersion).where(ProtocolVersion.content_hash.startswith(found.group(1)))
    ).all()
    fmt = "pdf" if data.startswith(b"%PDF") else "docx"
    for version in candidates:
        if document_text(regenerate(version, fmt)) == text:
            return VerifyResult("match", version)
    return VerifyResult("altered", candidates[0]) if candidates else VerifyResult("unknown")


def verify_upload(storage) -> VerifyResult:
    """Verify an uploaded file (a werkzeug FileStorage)."""
    from ..documents.files import version_document

    return verify_bytes(storage.read(), version_document)
