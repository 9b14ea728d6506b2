"""Check a Word or PDF file against the versions on record: which version, and is it exactly that version's document?

Nothing in an uploaded file is trusted: sizes are checked before anything is unpacked, unpacking and
parsing are bounded, and a file that cannot be read within those bounds is "unreadable", never an error.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from lxml import etree
from sqlalchemy import select

from ..extensions import db
from ..models import FROZEN_STATUSES, DocumentFingerprint, ProtocolVersion
from .fingerprints import sha256 as _sha256
from .fingerprints import wait_recorded

HASH = re.compile(r"(?:Inhoudshash|Empreinte(?: du contenu)?)\s*:?\s*([0-9a-f]{12})\b")  # the footer, in Dutch or French
MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # the command line; the web form is held to the application's request limit
MAX_PAGES = 500
DOCX_MAX_PARTS = 200
DOCX_MAX_UNPACKED = 40 * MB  # all parts together, as unpacked
DOCX_MAX_RATIO = 100  # unpacked / packed size of one part
DOCX_RATIO_FLOOR = 256 * 1024  # parts smaller than this may compress as well as they like
DOCX_TEXT_PART = re.compile(r"word/[A-Za-z0-9]+\.xml")  # document, headers, footers, footnotes, comments …
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PDF_LIMITS = {  # pypdf's own bounds, tightened for documents of a few hundred pages
    "zlib_maximum_output_length": 20 * MB,
    "stream_decoding_work_maximum_length": 40 * MB,
    "array_based_stream_maximum_output_length": 20 * MB,
    "image_maximum_buffer_size": 20 * MB,
}
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class VerifyForm(FlaskForm):
    document = FileField(_l("Document (.docx of .pdf)"), validators=[FileRequired()])


class Unreadable(ValueError):
    """The file cannot be read as a .docx or .pdf within the bounds; the message says why, in Dutch."""


@dataclass(frozen=True)
class DocumentFacts:
    """What a document says: its text (white space folded), its pages (PDF only) and any sign it was changed."""

    kind: str  # docx or pdf
    text: str
    content: str  # SHA-256 of what the file shows: a PDF's drawn pages, a Word file's text
    pages: int | None = None
    changed: str | None = None  # why the file cannot be the one policybuilder made, or None


@dataclass(frozen=True)
class VerifyResult:
    status: str  # match, altered, unknown, unreadable, pending (its fingerprints are still being made)
    version: ProtocolVersion | None = None
    reason: str | None = None  # a Dutch sentence explaining an altered or unreadable file


def read_document(data: bytes, with_text: bool = True) -> DocumentFacts:
    """The facts of a .docx or .pdf file; Unreadable with a Dutch reason for anything else.

    Without ``with_text`` a PDF's text is not extracted (the slow part), only its pages and drawn content.
    """
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(_l("Het bestand is groter dan %(mb)s MB.", mb=MAX_FILE_BYTES // MB))
    if data.startswith(b"%PDF-"):
        return _pdf_facts(data, with_text)
    if data.startswith(b"PK"):
        return _docx_facts(data)
    raise Unreadable(_l("Het is geen .docx- of .pdf-bestand."))


def _pdf_facts(data: bytes, with_text: bool) -> DocumentFacts:
    import pypdf  # only when a PDF is checked: not at every start of the application

    try:
        with pypdf.apply_configuration(**PDF_LIMITS):
            reader = pypdf.PdfReader(BytesIO(data))
            if reader.is_encrypted:
                raise Unreadable(_l("Het PDF-bestand is versleuteld; policybuilder maakt geen versleutelde bestanden."))
            pages = len(reader.pages)
            if pages > MAX_PAGES:
                raise Unreadable(_l("Het PDF-bestand telt %(n)s pagina's, meer dan een protocol kan hebben.", n=pages))
            content = _sha256(b"".join(_page_content(page) for page in reader.pages))
            text = "\n".join(page.extract_text() or "" for page in reader.pages) if with_text else ""
    except Unreadable:
        raise
    except Exception as exc:  # pypdf meets broken files with many kinds of errors; each means "not readable"
        raise Unreadable(_l("Het PDF-bestand is beschadigd of onvolledig.")) from exc
    # policybuilder writes one cross-reference table; a second one is an update appended afterwards
    updates = max(data.count(b"%%EOF"), data.count(b"startxref"))
    changed = _l("Het PDF-bestand werd na het maken aangevuld (een incrementele update, bijvoorbeeld een toegevoegde pagina of handtekening).") if updates > 1 else None
    return DocumentFacts("pdf", _folded(text), content, pages, changed)


def _page_content(page) -> bytes:
    """What a page draws: its size, its content streams decoded, and its annotations' kinds and texts."""
    contents = page.get_contents()
    annotations = [(str(a.get_object().get("/Subtype")), str(a.get_object().get("/Contents", ""))) for a in page.get("/Annots") or ()]
    return repr((list(page.mediabox), contents.get_data() if contents is not None else b"", annotations)).encode()


def _docx_facts(data: bytes) -> DocumentFacts:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise Unreadable(_l("Het Word-bestand is geen geldig zipbestand.")) from exc
    with archive:
        infos = archive.infolist()
        _check_sizes(infos)
        names = {info.filename: info for info in infos}
        if "word/document.xml" not in names:
            raise Unreadable(_l("Het bestand is geen Word-document: word/document.xml ontbreekt."))
        parts = sorted((n for n in names if DOCX_TEXT_PART.fullmatch(n)), key=lambda n: (n != "word/document.xml", n))
        text = "\n".join(_xml_text(_read_part(archive, names[name])) for name in parts)
    folded = _folded(text)
    return DocumentFacts("docx", folded, _sha256(folded.encode()))


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse on the declared sizes, before anything is unpacked."""
    if len(infos) > DOCX_MAX_PARTS:
        raise Unreadable(_l("Het Word-bestand bevat %(n)s onderdelen, veel meer dan een protocol.", n=len(infos)))
    if sum(info.file_size for info in infos) > DOCX_MAX_UNPACKED:
        raise Unreadable(_l("Het Word-bestand pakt uit tot meer dan %(mb)s MB.", mb=DOCX_MAX_UNPACKED // MB))
    for info in infos:
        if info.file_size > max(DOCX_RATIO_FLOOR, DOCX_MAX_RATIO * info.compress_size):
            raise Unreadable(_l("%(name)s pakt uit tot meer dan %(ratio)s keer zijn grootte: mogelijk een zipbom.",
                                name=info.filename, ratio=DOCX_MAX_RATIO))
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(_l("%(name)s is versleuteld of gebruikt een onbekende compressie.", name=info.filename))


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One part, never more than its declared size (a part that lies about it is refused)."""
    try:
        with archive.open(info) as handle:
            content = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise Unreadable(_l("%(name)s is beschadigd.", name=info.filename)) from exc
    if len(content) != info.file_size:
        raise Unreadable(_l("%(name)s is beschadigd.", name=info.filename))
    return content


def _xml_text(content: bytes) -> str:
    """The words of one WordprocessingML part: text runs in order, a line per paragraph."""
    try:
        root = etree.fromstring(content, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(_l("Het Word-bestand bevat een onleesbaar onderdeel.")) from exc
    if root.getroottree().docinfo.doctype:
        raise Unreadable(_l("Het Word-bestand bevat een DOCTYPE; policybuilder maakt zulke bestanden niet."))
    parts = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start" and element.tag in (f"{W}t", f"{W}delText", f"{W}instrText"):
            parts.append(element.text or "")
        elif element.tag in (f"{W}tab", f"{W}br") or (event == "end" and element.tag == f"{W}p"):
            parts.append("\n")
    return "".join(parts)


def _folded(text: str) -> str:
    return " ".join(text.split())


def verify_bytes(data: bytes, regenerate, wait: float = 0) -> VerifyResult:
    """Find the version whose hash the file names; a match only if the file has exactly that version's pages and text.

    An approved version is compared with the fingerprints recorded after its approval (nothing is rendered);
    ``wait`` seconds are given to recording them when they are not there yet, else the answer is "pending".
    A version not yet decided is compared with its document made now: ``regenerate(version, fmt)``.
    """
    known = db.session.scalar(select(DocumentFingerprint).where(DocumentFingerprint.file_sha256 == _sha256(data)).limit(1))
    if known is not None:
        return VerifyResult("match", known.version)
    try:
        facts = read_document(data, with_text=False)
        known = db.session.scalar(select(DocumentFingerprint).filter_by(
            content_sha256=facts.content, format=facts.kind, pages=facts.pages).limit(1))
        if known is not None and not facts.changed:
            return VerifyResult("match", known.version)
        facts = read_document(data)
    except Unreadable as exc:
        return VerifyResult("unreadable", reason=str(exc))
    found = HASH.search(facts.text)
    candidates = db.session.scalars(
        select(ProtocolVersion).where(ProtocolVersion.content_hash.startswith(found.group(1))).order_by(ProtocolVersion.id)
    ).all() if found else []
    if not candidates:
        return VerifyResult("unknown")
    if facts.changed:
        return VerifyResult("altered", candidates[0], str(facts.changed))
    shown = (_sha256(facts.text.encode()), facts.pages)
    for version in candidates:
        if version.status not in FROZEN_STATUSES:  # its document still changes when it is decided: nothing recorded
            original = read_document(regenerate(version, facts.kind))
            if (_sha256(original.text.encode()), original.pages) == shown:
                return VerifyResult("match", version)
            continue
        if not wait_recorded(version, wait):
            return VerifyResult("pending", version)
        recorded = db.session.scalars(select(DocumentFingerprint).filter_by(version_id=version.id, format=facts.kind))
        if any((fingerprint.text_sha256, fingerprint.pages) == shown for fingerprint in recorded):
            return VerifyResult("match", version)
    return VerifyResult("altered", candidates[0])


def verify_upload(storage, wait: float = 0) -> VerifyResult:
    """Verify an uploaded file (a werkzeug FileStorage), reading no more than the bound."""
    from ..documents.files import version_document

    try:
        data = storage.read(MAX_FILE_BYTES + 1)
    finally:
        storage.close()  # a large upload is spooled to a temporary file: let it go now
    return verify_bytes(data, version_document, wait)
