"""Fast starts: the command line and the app's start-up load no Word/PDF renderer until one is used."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from flask import url_for
from werkzeug.routing import BuildError

from policybuilder import create_app, document, schema
from policybuilder.document import FORMATS, UnknownFormat, render
from policybuilder.document.errors import TemplateError
from policybuilder.schema import SchemaError

ROOT = Path(__file__).resolve().parent.parent
#: Packages that cost most of a second or more to import, wanted only to write a PDF, a .docx or an SVG logo.
HEAVY = ("weasyprint", "pikepdf", "docx", "cairosvg", "cairocffi")


def flask(tmp_path, *arguments: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``flask --app wsgi ARGUMENTS`` as a new process on an empty instance; its result and the modules it imported."""
    env = {**os.environ, "POLICYBUILDER_INSTANCE": str(tmp_path / "instance"), "POLICYBUILDER_SECRET_KEY": "test"}
    command = [sys.executable, "-X", "importtime", "-m", "flask", "--app", "wsgi", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    imported = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", result.stderr, re.MULTILINE))
    return result, {name.split(".")[0] for name in imported}


def test_help_lists_the_commands_without_loading_a_renderer(tmp_path):
    result, imported = flask(tmp_path, "--help")
    assert result.returncode == 0, result.stderr[-2000:]
    assert {"render", "batch", "db", "backup"} <= set(re.findall(r"^  (\w[\w-]*)", result.stdout, re.MULTILINE))
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)
    assert "flask" in imported  # the import trace did work


def test_rendering_a_docx_loads_word_but_not_weasyprint(tmp_path):
    output = tmp_path / "protocol.docx"
    result, imported = flask(tmp_path, "render", str(ROOT / "examples" / "full.json"), "--output", str(output))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "docx" in imported
    assert imported.isdisjoint({"weasyprint", "pikepdf", "cairosvg"})
    headings = [p.text for p in docx.Document(str(output)).paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) > 10


def test_the_renderers_are_the_same_functions_as_before():
    from policybuilder.document.docx import render_docx
    from policybuilder.document.pdf import render_pdf

    assert document.render_docx is render_docx and document.render_pdf is render_pdf
    assert FORMATS["docx"] is render_docx and FORMATS["pdf"] is render_pdf
    assert sorted(FORMATS) == ["docx", "pdf"] and "odt" not in FORMATS
    with pytest.raises(AttributeError):
        document.render_odt  # noqa: B018
    with pytest.raises(UnknownFormat):
        render(None, None, "odt")


def test_step_forms_are_built_when_first_asked_for_and_kept(app):
    forms = app.extensions["policybuilder.forms"]
    with app.test_request_context():
        profile = forms[("profile", "nl")]
        assert forms[("profile", "nl")] is profile
        assert forms[("profile", "fr")] is not profile
        assert profile.__name__ == "ProfileForm"
        with pytest.raises(KeyError):
            forms[("profile", "de")]
        with pytest.raises(KeyError):
            forms[("nonsense", "nl")]
    assert ("profile", "fr") in forms and len(forms) == len(list(forms))


def test_help_does_not_load_alembic_but_db_upgrade_still_works(tmp_path):
    result, imported = flask(tmp_path, "--help")
    assert result.returncode == 0 and "alembic" not in imported and "flask_migrate" not in imported
    result, imported = flask(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "alembic" in imported and "Running upgrade" in result.stderr
    result, _ = flask(tmp_path, "db", "current")
    assert "(head)" in result.stdout


@pytest.fixture
def cached_start(schema_copy, tmp_path, monkeypatch):
    """An app factory on a copy of schemas/ with its own instance folder, and a helper to rewrite one element file."""
    target, edit = schema_copy
    monkeypatch.setenv("POLICYBUILDER_INSTANCE", str(tmp_path / "instance"))

    def start():
        return create_app({"SCHEMA_DIR": str(target), "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    return start, edit


def test_a_start_validates_the_schema_files_only_once(cached_start, monkeypatch):
    start, edit = cached_start
    first = start().extensions["policybuilder.schema"]
    monkeypatch.setattr(schema, "validate", lambda *args: pytest.fail("validated again"))
    again = start().extensions["policybuilder.schema"]
    assert again.elements == first.elements and again.keys == first.keys
    monkeypatch.undo()
    edit("learning", lambda d: d["title"].update(nl="Leren en bijsturen, herschreven"))
    assert start().extensions["policybuilder.schema"].element("learning").title["nl"] == "Leren en bijsturen, herschreven"


def test_a_schema_file_broken_after_a_cached_start_still_stops_the_app(cached_start):
    start, edit = cached_start
    start()
    edit("monitoring", lambda d: d.pop("guidance"))
    with pytest.raises(SchemaError, match=r"elements/monitoring.yaml: field \(top level\): 'guidance' is a required property"):
        start()
    with pytest.raises(SchemaError, match="elements/monitoring.yaml"):  # the failure is not cached either way
        start()


@pytest.fixture
def fresh_loads():
    """load_texts and load_checks forget what this process read (as a new process would), before and after the test."""
    from policybuilder.compliance import load_checks
    from policybuilder.document.texts import load_texts

    for loader in (load_texts, load_checks):
        loader.cache_clear()
    yield load_texts, load_checks
    for loader in (load_texts, load_checks):
        loader.cache_clear()


def test_the_document_texts_and_compliance_rules_are_checked_once_and_kept_checked(cached_start, schema_copy, fresh_loads, monkeypatch):
    start, _edit = cached_start
    target, _ = schema_copy
    load_texts, load_checks = fresh_loads
    start()
    first_texts, first_checks = load_texts(target), load_checks(target)
    for loader in fresh_loads:
        loader.cache_clear()
    monkeypatch.setattr(schema, "validate", lambda *args: pytest.fail("checked again"))
    assert load_texts(target) == first_texts and load_checks(target) == first_checks
    monkeypatch.undo()
    for loader in fresh_loads:
        loader.cache_clear()
    # A file changed since: checked again, and a broken one is refused, however often it is asked for.
    path = target / "document.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("law_date: '2026-11-24'", "law_date: 20261124"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(TemplateError, match="document.yaml: field law_date: 20261124 is not of type 'string'"):
            load_texts(target)
        load_texts.cache_clear()


def test_urls_are_built_by_rules_compiled_on_first_use(app):
    from policybuilder.url_rules import LazyBuilderRule

    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert rules and all(isinstance(rule, LazyBuilderRule) for rule in rules)
    with app.test_request_context():
        assert url_for("approvals.version", protocol_id=7, number=2) == "/protocols/7/versions/2"
        assert url_for("approvals.version", protocol_id=7, number=2, tab="a b") == "/protocols/7/versions/2?tab=a+b"
        assert url_for("approvals.version", protocol_id=7, number=3, _external=True) == "http://localhost/protocols/7/versions/3"
        with pytest.raises(BuildError):
            url_for("approvals.version", protocol_id=7)
