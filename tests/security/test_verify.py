"""The public /verify page and `flask verify`: every unreadable or doctored file gets a clear Dutch answer, quickly, never a match."""
from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter

from ..forms import read_form

GB = 1024 * 1024 * 1024
UNREADABLE = "Dit bestand kan niet gelezen worden"
ALTERED = "Dit document is gewijzigd"
MATCH = "Dit document komt overeen"


@pytest.fixture
def approved(app, submitted, decide):
    assert decide(submitted, 1).status_code == 302
    return submitted


@pytest.fixture
def original(client, approved):
    """Return a callable giving the approved version's file as the organisation downloads it."""

    def download(fmt: str) -> bytes:
        response = client.get(f"/protocols/{approved}/versions/1/download/{fmt}")
        assert response.status_code == 200
        return response.data

    return download


@pytest.fixture
def check(anon_client):
    """Return a callable that uploads a file to /verify as anyone may, and returns (status, page text, seconds)."""

    def upload(data: bytes, name: str) -> tuple[int, str, float]:
        token = dict(read_form(anon_client.get("/verify").get_data(as_text=True)))["csrf_token"]
        start = time.perf_counter()
        response = anon_client.post("/verify", data={"csrf_token": token, "document": (io.BytesIO(data), name)},
                                    content_type="multipart/form-data")
        response.request.environ["wsgi.input"].close()  # the test client spools a large body to a temporary file
        return response.status_code, response.get_data(as_text=True), time.perf_counter() - start

    return upload


def rezipped(data: bytes, drop: str = "", replace: dict | None = None) -> bytes:
    """The .docx ``data`` with one part left out or parts replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != drop:
                target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
    return out.getvalue()


def bomb(data: bytes, unpacked: int) -> bytes:
    """The .docx ``data`` whose word/document.xml unpacks to ``unpacked`` bytes (written in chunks, never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info))
        with target.open("word/document.xml", "w", force_zip64=True) as handle:
            chunk = b" " * (16 * 1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                handle.write(chunk)
    return out.getvalue()


def lying(data: bytes) -> bytes:
    """A .docx whose word/document.xml says it unpacks to 100 bytes but unpacks to 50 MB."""
    packed = bytearray(rezipped(data, replace={"word/document.xml": b" " * (50 * 1024 * 1024)}))
    with zipfile.ZipFile(io.BytesIO(bytes(packed))) as archive:
        info = archive.getinfo("word/document.xml")
    struct.pack_into("<I", packed, info.header_offset + 22, 100)  # local header: uncompressed size
    entry = packed.find(b"PK\x01\x02")
    while entry != -1:  # central directory entries: the uncompressed size of word/document.xml
        length = struct.unpack_from("<H", packed, entry + 28)[0]
        if packed[entry + 46:entry + 46 + length] == b"word/document.xml":
            struct.pack_into("<I", packed, entry + 24, 100)
        entry = packed.find(b"PK\x01\x02", entry + 4)
    return bytes(packed)


def with_incremental_page(data: bytes) -> bytes:
    """The PDF with a page appended as an incremental update: the original bytes stay, a new section follows."""
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_blank_page(data: bytes) -> bytes:
    """The PDF rewritten whole with an empty page at the end: the same text, one page more."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted(data: bytes) -> bytes:
    """The PDF encrypted with an empty user password: it opens without asking for one."""
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password="", owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_original_files_still_match(original, check):
    for fmt in ("docx", "pdf"):
        status, page, _ = check(original(fmt), f"protocol.{fmt}")
        assert status == 200 and MATCH in page


@pytest.mark.parametrize(
    ("make", "name", "heading", "reason"),
    [
        (lambda o: rezipped(o("docx"), drop="word/document.xml"), "geen-tekst.docx", UNREADABLE, "word/document.xml ontbreekt"),
        (lambda o: lying(o("docx")), "liegt.docx", UNREADABLE, "word/document.xml is beschadigd"),
        (lambda o: rezipped(o("docx"), replace={"word/document.xml": b"<w:document"}), "kapot.docx", UNREADABLE, "onleesbaar onderdeel"),
        (lambda o: with_incremental_page(o("pdf")), "aangevuld.pdf", ALTERED, "incrementele update"),
        (lambda o: with_blank_page(o("pdf")), "extra-pagina.pdf", ALTERED, "aantal pagina"),
        (lambda o: encrypted(o("pdf")), "versleuteld.pdf", UNREADABLE, "versleuteld"),
        (lambda o: o("pdf")[: len(o("pdf")) // 2], "half.pdf", UNREADABLE, "beschadigd of onvolledig"),
        (lambda o: bytes(range(256)) * 64, "ruis.pdf", UNREADABLE, "geen .docx- of .pdf-bestand"),
        (lambda o: b"PK\x03\x04" + bytes(range(256)) * 64, "ruis.docx", UNREADABLE, "geen geldig zipbestand"),
        (lambda o: b"", "leeg.pdf", UNREADABLE, "geen .docx- of .pdf-bestand"),
    ],
    ids=["docx-without-document-xml", "docx-lying-size", "docx-broken-xml", "pdf-incremental-page", "pdf-extra-blank-page",
         "pdf-encrypted-empty-password", "pdf-truncated", "garbage", "garbage-zip", "empty"],
)
def test_doctored_or_unreadable_file_gets_a_clear_answer_and_no_match(original, check, make, name, heading, reason):
    status, page, seconds = check(make(original), name)
    assert status == 200
    assert heading in page and reason in page, page[page.find("verify-result"):][:600]
    assert MATCH not in page
    assert seconds < (2 if heading == UNREADABLE else 60)  # an altered file is compared with its version's document


def test_zip_bomb_docx_is_refused_quickly_without_unpacking(original, check):
    data = bomb(original("docx"), GB)
    assert len(data) < 2 * 1024 * 1024  # about 1 MB on disk
    tracemalloc.start()
    try:
        status, page, seconds = check(data, "bom.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 200 and UNREADABLE in page and "pakt uit tot meer dan" in page and MATCH not in page
    assert seconds < 1.0, seconds
    assert peak < 30 * 1024 * 1024, peak  # the upload itself and the page; nothing unpacked


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda o: encrypted(o("pdf")), "versleuteld"),
    (lambda o: with_incremental_page(o("pdf")), "GEWIJZIGD"),
    (lambda o: b"", "kan niet gelezen worden"),
])
def test_verify_command_says_why(original, runner, tmp_path, make, fragment):
    path = tmp_path / "bestand.pdf"
    path.write_bytes(make(original))
    result = runner.invoke(args=["verify", str(path)])
    assert result.exit_code == 1 and fragment in result.output and "KLOPT" not in result.output


def test_a_second_check_uses_the_recorded_fingerprint_not_a_new_render(app, original, check, monkeypatch):
    from policybuilder.documents import files
    from policybuilder.extensions import db
    from policybuilder.models import DocumentFingerprint

    pdf = original("pdf")
    resaved = PdfWriter(clone_from=io.BytesIO(pdf))
    out = io.BytesIO()
    resaved.write(out)  # other bytes, the same pages and text
    assert out.getvalue() != pdf
    status, page, first = check(pdf, "protocol.pdf")
    assert MATCH in page
    with app.app_context():
        recorded = {(f.lang, f.format): f.pages for f in db.session.query(DocumentFingerprint)}
        assert set(recorded) == {("nl", "docx"), ("nl", "pdf"), ("fr", "docx"), ("fr", "pdf")}  # every file of the version
        assert recorded["nl", "pdf"] == len(PdfReader(io.BytesIO(pdf)).pages)

    def no_render(*args):
        raise AssertionError("rendered again")

    monkeypatch.setattr(files, "version_document", no_render)
    status, page, same_file = check(pdf, "protocol.pdf")
    assert status == 200 and MATCH in page
    status, page, same_text = check(out.getvalue(), "opnieuw-bewaard.pdf")
    assert status == 200 and MATCH in page
    status, page, _ = check(with_blank_page(pdf), "extra-pagina.pdf")
    assert status == 200 and ALTERED in page
    print(f"verify of the example PDF: first {first:.2f} s, same file {same_file * 1000:.0f} ms, same text {same_text * 1000:.0f} ms")
    assert same_file < 0.3 and same_text < 1.0
