"""The record holds: approved versions never change, their documents prove the approval, verify checks files."""
from __future__ import annotations

import io
import shutil
import time

import docx
import pytest
from pypdf import PdfReader

from policybuilder.extensions import db
from policybuilder.models import Approval, ImmutableRecord, ProtocolVersion

from .records import version_state

DRAFT_MARK = "CONCEPT – nog niet goedgekeurd"


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in document.sections for p in (*s.header.paragraphs, *s.footer.paragraphs)]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def approved(app, submitted, decide):
    assert decide(submitted, 1).status_code == 302
    return submitted


@pytest.mark.parametrize(("fmt", "read"), [("docx", docx_text), ("pdf", pdf_text)])
def test_approved_document_carries_the_approval_and_no_draft_mark(app, client, approved, fmt, read):
    response = client.get(f"/protocols/{approved}/versions/1/download/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'protocol-vzw-de-linde-v1.{fmt}')
    text = read(response.data)
    short = version_state(app, approved, 1)["hash"][:12]
    assert DRAFT_MARK not in text
    assert "Mieke Janssens, Algemeen directeur" in text
    assert f"Inhoudshash: {short}" in text
    assert "01/01/2027" in text and "01/01/2028" in text  # in force, next review


def test_submitted_version_is_still_marked_as_draft(client, submitted):
    text = pdf_text(client.get(f"/protocols/{submitted}/versions/1/download/pdf").data)
    assert DRAFT_MARK in text


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_downloads_of_an_approved_version_are_byte_stable(app, client, approved, fmt):
    url = f"/protocols/{approved}/versions/1/download/{fmt}"
    first = client.get(url).data
    assert client.get(url).data == first
    # Regenerated from the stored version after the cache is gone: the same bytes.
    shutil.rmtree(app.config["DOCUMENT_CACHE_DIR"])
    time.sleep(1.1)  # a file dated by the clock would now differ
    assert client.get(url).data == first


def test_an_approved_version_and_its_approval_cannot_change(app, approved):
    with app.app_context():
        version = db.session.query(ProtocolVersion).one()
        version.answers = {"profile": {"name": "Vervalst"}}
        with pytest.raises(ImmutableRecord):
            db.session.commit()
        db.session.rollback()
        version = db.session.query(ProtocolVersion).one()
        version.status = "submitted"
        with pytest.raises(ImmutableRecord):
            db.session.commit()
        db.session.rollback()
        approval = db.session.query(Approval).one()
        approval.name = "Iemand anders"
        with pytest.raises(ImmutableRecord):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(ImmutableRecord):
            db.session.delete(db.session.query(ProtocolVersion).one())
            db.session.commit()
        db.session.rollback()
    assert version_state(app, approved, 1)["status"] == "approved"


def test_no_route_changes_an_approved_version(app, approver_client, approved, decide, token, client):
    before = version_state(app, approved, 1)
    assert decide(approved, 1).status_code == 409
    assert decide(approved, 1, "return").status_code == 409
    client.post(f"/protocols/{approved}/steps/profile", data={"csrf_token": token(client, f"/protocols/{approved}/steps/profile"), "revision": "1", "name": "Gewijzigd", "nav": "stay"})
    assert version_state(app, approved, 1) == before


@pytest.mark.parametrize(("fmt", "read"), [("docx", docx_text), ("pdf", pdf_text)])
def test_verify_command_matches_and_rejects_an_altered_file(app, client, runner, approved, tmp_path, fmt, read):
    data = client.get(f"/protocols/{approved}/versions/1/download/{fmt}").data
    good = tmp_path / f"good.{fmt}"
    good.write_bytes(data)
    result = runner.invoke(args=["verify", str(good)])
    assert result.exit_code == 0, result.output
    assert "VZW De Linde" in result.output and "versie 1" in result.output and "Mieke Janssens" in result.output
    altered = tmp_path / f"altered.{fmt}"
    altered.write_bytes(alter(data, fmt))
    result = runner.invoke(args=["verify", str(altered)])
    assert result.exit_code == 1 and "gewijzigd" in result.output.lower()


def alter(data: bytes, fmt: str) -> bytes:
    """The same file with one answer's words changed, as someone editing it would."""
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        paragraph = next(p for p in document.paragraphs if "Jaarlijkse vorming" in p.text)
        paragraph.runs[0].text = paragraph.runs[0].text.replace("Jaarlijkse", "Vijfjaarlijkse")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(data))
    page = writer.pages[-1]
    page.merge_page(PdfReader(io.BytesIO(blank_with_text())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_with_text() -> bytes:
    """A one-page PDF saying something the protocol does not."""
    from weasyprint import HTML

    return HTML(string="<p>Toegevoegde zin die niet goedgekeurd werd.</p>").write_pdf()


def test_verify_page(client, anon_client, approved):
    data = client.get(f"/protocols/{approved}/versions/1/download/pdf").data
    page = anon_client.get("/verify").get_data(as_text=True)
    from ..forms import read_form

    token = dict(read_form(page))["csrf_token"]
    response = anon_client.post("/verify", data={"csrf_token": token, "document": (io.BytesIO(data), "protocol.pdf")},
                                content_type="multipart/form-data")
    assert "Dit document komt overeen" in response.get_data(as_text=True)
    response = anon_client.post("/verify", data={"csrf_token": token, "document": (io.BytesIO(b"niets"), "x.pdf")},
                                content_type="multipart/form-data")
    assert "kan niet gelezen worden" in response.get_data(as_text=True)


def test_verify_page_is_rate_limited(anon_client, drafter):
    statuses = [anon_client.post("/verify", data={}).status_code for _ in range(21)]
    assert statuses[:20] == [422] * 20 and statuses[20] == 429


def test_due_reviews_command(runner, approved, submitted):
    result = runner.invoke(args=["due-reviews", "--days", "36500"])
    assert result.exit_code == 0
    assert "VZW De Linde" in result.output and "01/01/2028" in result.output
    assert "Geen" in runner.invoke(args=["due-reviews", "--days", "0"]).output
