"""Verify compares with what was recorded after the approval: every file of the version, in Dutch and in French,
and a check that comes before that record exists says so at once instead of rendering."""
from __future__ import annotations

import io
import threading

import pytest

from policybuilder.approvals import fingerprints
from policybuilder.documents import files
from policybuilder.extensions import db
from policybuilder.models import DocumentFingerprint, ProtocolVersion

from ..forms import read_form

MATCH = "Dit document komt overeen"
PENDING = "Nog niet klaar, probeer binnen een minuut opnieuw"


@pytest.fixture
def check(anon_client):
    """Return a callable that uploads a file to /verify as anyone may; (status, page text)."""

    def upload(data: bytes, name: str) -> tuple[int, str]:
        token = dict(read_form(anon_client.get("/verify").get_data(as_text=True)))["csrf_token"]
        response = anon_client.post("/verify", data={"csrf_token": token, "document": (io.BytesIO(data), name)},
                                    content_type="multipart/form-data")
        return response.status_code, response.get_data(as_text=True)

    return upload


@pytest.fixture
def approved(submitted, decide):
    assert decide(submitted, 1).status_code == 302
    return submitted


def recorded(app, protocol_id: int) -> dict:
    with app.app_context():
        version = db.session.query(ProtocolVersion).filter_by(protocol_id=protocol_id, number=1).one()
        return {(f.lang, f.format): f for f in db.session.query(DocumentFingerprint).filter_by(version_id=version.id)}


def test_approving_records_every_file_in_both_languages_and_verify_then_renders_nothing(
        app, client, submitted, decide, check, monkeypatch):
    app.config.update(RENDER_AHEAD=True, RENDER_WAIT=0)
    assert decide(submitted, 1).status_code == 302  # answers at once; the fingerprints are made afterwards
    fingerprints.wait_for_recordings(300)
    prints = recorded(app, submitted)
    assert set(prints) == {("nl", "docx"), ("nl", "pdf"), ("fr", "docx"), ("fr", "pdf")}
    assert prints["nl", "pdf"].file_sha256 != prints["fr", "pdf"].file_sha256

    def no_render(*args, **kwargs):
        raise AssertionError("a check rendered a document")

    monkeypatch.setattr(files, "version_document", no_render)
    monkeypatch.setattr(files, "rendered_here", no_render)
    for lang in ("nl", "fr"):
        for fmt in ("docx", "pdf"):
            data = client.get(f"/protocols/{submitted}/versions/1/download/{fmt}?lang={lang}").data
            status, page = check(data, f"protocol.{fmt}")
            assert status == 200 and MATCH in page, (lang, fmt)


def test_a_check_before_the_fingerprints_exist_says_so_at_once_and_starts_them(app, client, approved, check, monkeypatch):
    pdf = client.get(f"/protocols/{approved}/versions/1/download/pdf").data
    app.config.update(RENDER_WAIT=0)  # production: a check never waits for a render
    assert recorded(app, approved) == {}
    release = threading.Event()
    record = fingerprints.record

    def held(version):  # the recording waits until the check has answered: the check cannot have waited for it
        assert release.wait(60)
        record(version)

    monkeypatch.setattr(fingerprints, "record", held)
    status, page = check(pdf, "protocol.pdf")
    assert status == 200 and PENDING in page and MATCH not in page
    release.set()
    fingerprints.wait_for_recordings(300)
    assert len(recorded(app, approved)) == 4
    status, page = check(pdf, "protocol.pdf")
    assert status == 200 and MATCH in page


def test_the_command_waits_for_the_fingerprints(app, client, approved, runner, tmp_path):
    path = tmp_path / "protocol.docx"
    path.write_bytes(client.get(f"/protocols/{approved}/versions/1/download/docx?lang=fr").data)
    result = runner.invoke(args=["verify", str(path)])
    assert result.exit_code == 0 and "KLOPT" in result.output, result.output
    assert len(recorded(app, approved)) == 4
