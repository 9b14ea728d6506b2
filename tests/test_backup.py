"""Backup and restore: everything comes back equal, documents regenerate byte for byte, bad files change nothing.

The installation backed up is SQLite (the embedded default); it is restored into the test database,
so the run on PostgreSQL (scripts/with-postgres.sh) restores SQLite into PostgreSQL.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import timezone

import pytest
from sqlalchemy import inspect, select

from policybuilder import create_app
from policybuilder.approvals import fingerprints
from policybuilder.backup import MANIFEST, read_backup
from policybuilder.documents.files import version_document
from policybuilder.extensions import db
from policybuilder.models import AuditEvent, Protocol, ProtocolVersion

from .conftest import PASSWORD
from .federation.conftest import png
from .forms import read_form, submission


def make_installation(url: str, cache) -> object:
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "DOCUMENT_CACHE_DIR": str(cache)})


@pytest.fixture
def app(tmp_path):
    """The installation that is backed up: SQLite, whatever the test database is."""
    source = make_installation(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path / "source-cache")
    with source.app_context():
        db.create_all()
    yield source
    with source.app_context():
        db.engine.dispose()


@pytest.fixture
def target(database_url, tmp_path):
    """A fresh, empty installation on the test database (no tables yet)."""
    installation = make_installation(database_url, tmp_path / "target-cache")
    yield installation
    with installation.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def populated(app, publish_template, make_protocol, decide, client, submit):
    """A protocol on a template version with a logo: version 1 approved, version 2 submitted. Returns its id."""
    template_version = publish_template({"questions": {}, "style": {"primary_colour": "#7A1F5C", "logo": "logo.png"}}, logo=png())
    protocol_id = make_protocol(answers={"learning": {"training": "Jaarlijkse vorming voor alle teams."}})
    with app.app_context():
        db.session.get(Protocol, protocol_id).template_version_id = template_version
        db.session.commit()
    assert client.post(f"/protocols/{protocol_id}/submit", data=submission(client, protocol_id)).status_code == 302
    assert decide(protocol_id, 1).status_code == 302
    assert submit(f"/protocols/{protocol_id}/steps/learning", {"training": "Tweejaarlijkse vorming."}).status_code < 400
    assert client.post(f"/protocols/{protocol_id}/submit", data=submission(client, protocol_id)).status_code == 302
    fingerprints.wait_for_recordings(300)  # recorded after the approval, in the background: all there before the snapshot
    return protocol_id


def all_rows(installation) -> dict[str, list[dict]]:
    """Every row of every table, times in UTC, read straight from the database."""
    with installation.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            tables[table.name] = [{key: utc(value) for key, value in row.items()} for row in rows]
        db.session.rollback()
        return tables


def utc(value):
    """SQLite gives times without a zone (stored in UTC); PostgreSQL with one."""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    return value


def approved_documents(installation) -> dict[tuple[int, int, str], bytes]:
    """The Word and PDF file of every approved version, rendered now."""
    with installation.app_context():
        versions = db.session.scalars(select(ProtocolVersion).where(ProtocolVersion.status == "approved")).all()
        return {(v.protocol_id, v.number, fmt): version_document(v, fmt) for v in versions for fmt in ("docx", "pdf")}


def table_names(installation) -> set[str]:
    with installation.app_context():
        return set(inspect(db.engine).get_table_names())


def test_restore_gives_back_every_row_and_byte_identical_documents(app, target, populated, tmp_path):
    before = all_rows(app)
    assert len(before["protocol_version"]) == 2 and len(before["approval"]) == 1 and before["template_version"][0]["logo"]
    assert len(before["audit_event"]) >= 3
    documents = approved_documents(app)
    assert len(documents) == 2

    backup = tmp_path / "backup.zip"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    restored = target.test_cli_runner().invoke(args=["restore", str(backup)])
    assert restored.exit_code == 0, restored.output

    assert all_rows(target) == before
    assert approved_documents(target) == documents  # rendered anew into the target's empty cache
    with target.app_context():  # new rows continue after the restored ids
        db.session.add(AuditEvent(action="test"))
        db.session.commit()


def test_the_manifest_counts_rows_and_checksums_every_member(app, populated, tmp_path):
    backup = tmp_path / "backup.zip"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    rows = all_rows(app)
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        assert manifest["format"] == "policybuilder-backup" and manifest["format_version"] == 1
        assert manifest["app_version"] and manifest["database_revision"]
        for name, entry in manifest["tables"].items():
            assert entry["rows"] == len(rows[name])
            assert entry["sha256"] == hashlib.sha256(archive.read(entry["file"])).hexdigest()


def test_a_backup_of_the_restored_installation_holds_the_same_rows(app, target, populated, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    app.test_cli_runner().invoke(args=["backup", str(first)])
    assert target.test_cli_runner().invoke(args=["restore", str(first)]).exit_code == 0
    assert target.test_cli_runner().invoke(args=["backup", str(second)]).exit_code == 0
    with target.app_context():
        assert read_backup(first)[1] == read_backup(second)[1]


def test_a_backup_is_one_snapshot_while_others_write(app, populated, tmp_path, monkeypatch):
    """A row written while the backup reads (after its first table) is not half in it."""
    from policybuilder import backup as backup_module

    dump = backup_module._dump_row
    written = []

    def dump_and_write_meanwhile(table, row):
        if not written:
            with db.engine.begin() as other:
                other.execute(AuditEvent.__table__.insert(), {"action": "meanwhile", "object_type": "", "detail": {}})
            written.append(True)
        return dump(table, row)

    monkeypatch.setattr(backup_module, "_dump_row", dump_and_write_meanwhile)
    with app.app_context():
        manifest = backup_module.write_backup(tmp_path / "backup.zip")
        events = db.session.scalars(select(AuditEvent.action)).all()
    assert written and "meanwhile" in events
    assert manifest["tables"]["audit_event"]["rows"] == len(events) - 1


def rewrite(source, destination, change):
    """Copy the zip ``source`` to ``destination`` with ``change(name, data) -> data`` applied to each member."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(destination, "w") as new:
        for name in old.namelist():
            new.writestr(name, change(name, old.read(name)))


def with_checksums(name: str, data: bytes, tables: dict[str, bytes]) -> bytes:
    """The manifest with counts and checksums made to match the changed ``tables`` members."""
    if name != MANIFEST:
        return tables.get(name, data)
    manifest = json.loads(data)
    for entry in manifest["tables"].values():
        if entry["file"] in tables:
            entry["sha256"] = hashlib.sha256(tables[entry["file"]]).hexdigest()
            entry["rows"] = len(json.loads(tables[entry["file"]]))
    return json.dumps(manifest).encode()


def damaged_files(good, tmp_path) -> dict[str, tuple[object, str]]:
    """Each kind of bad file, with the words its refusal must contain."""
    data = good.read_bytes()
    files = {}
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    files["truncated"] = (truncated, "beschadigd of onvolledig")
    altered = tmp_path / "altered.zip"
    rewrite(good, altered, lambda name, body: body.replace(b"Mieke Janssens", b"Iemand Anders"))
    files["checksum"] = (altered, "controlesom klopt niet")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    files["foreign"] = (foreign, "geen reservekopie van policybuilder")
    not_zip = tmp_path / "notes.txt"
    not_zip.write_text("boodschappenlijst")
    files["not a zip"] = (not_zip, "beschadigd of onvolledig")
    # Sound checksums, but two memberships clash: the database refuses a row after others went in.
    with zipfile.ZipFile(good) as archive:
        memberships = json.loads(archive.read("tables/membership.json"))
    clash = json.dumps(memberships + [{**memberships[0], "id": 999}]).encode()
    clashing = tmp_path / "clash.zip"
    rewrite(good, clashing, lambda name, body: with_checksums(name, body, {"tables/membership.json": clash}))
    files["clash"] = (clashing, "niets veranderd")
    return files


def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(app, target, populated, tmp_path):
    good = tmp_path / "backup.zip"
    assert app.test_cli_runner().invoke(args=["backup", str(good)]).exit_code == 0
    with target.app_context():  # the target has its tables, all empty
        db.create_all()
    empty = all_rows(target)
    for kind, (path, words) in damaged_files(good, tmp_path).items():
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 1, (kind, result.output)
        assert words in result.output and "niets veranderd" in result.output, (kind, result.output)
        assert all_rows(target) == empty, kind


def test_a_damaged_file_does_not_even_make_the_tables(app, target, populated, tmp_path):
    good = tmp_path / "backup.zip"
    app.test_cli_runner().invoke(args=["backup", str(good)])
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:-200])
    assert target.test_cli_runner().invoke(args=["restore", str(truncated)]).exit_code == 1
    assert not table_names(target) & {"protocol", "user"}


def test_restore_refuses_an_installation_that_has_data(app, target, populated, tmp_path):
    backup = tmp_path / "backup.zip"
    app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert target.test_cli_runner().invoke(args=["restore", str(backup)]).exit_code == 0
    before = all_rows(target)
    again = target.test_cli_runner().invoke(args=["restore", str(backup)])
    assert again.exit_code == 1
    assert "alleen in een lege installatie" in again.output
    assert all_rows(target) == before


def test_the_restored_installation_serves_its_users(app, target, populated, tmp_path):
    backup = tmp_path / "backup.zip"
    app.test_cli_runner().invoke(args=["backup", str(backup)])
    target.test_cli_runner().invoke(args=["restore", str(backup)])
    browser = target.test_client()
    login = browser.get("/login")
    assert login.status_code == 200
    fields = dict(read_form(login.get_data(as_text=True)))
    response = browser.post("/login", data={**fields, "email": "an.drafter@delinde.be", "password": PASSWORD})
    assert response.status_code == 302
    page = browser.get(f"/protocols/{populated}/versions/1")
    assert page.status_code == 200 and "Mieke Janssens" in page.get_data(as_text=True)
