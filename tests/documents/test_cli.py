"""flask render: good, invalid and missing answers files."""
from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import docx
import pypdf
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["full", "minimal"])
def test_render_examples_to_docx(runner, tmp_path, example):
    out = tmp_path / "out.docx"
    result = runner.invoke(args=["render", str(EXAMPLES / f"{example}.json"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    headings = [p.text for p in docx.Document(BytesIO(out.read_bytes())).paragraphs if p.style.name == "Heading 1"]
    assert "Procedure bij een incident" in headings


def test_render_pdf_in_french(runner, tmp_path):
    out = tmp_path / "out.PDF"
    result = runner.invoke(args=["render", str(EXAMPLES / "full.json"), "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    assert reader.trailer["/Root"]["/Lang"] == "fr-BE"
    assert reader.metadata.title.startswith("Protocole")


def test_invalid_answers_name_the_field(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"profile": {"name": "X", "worker_count": "veel"}}), encoding="utf-8")
    result = runner.invoke(args=["render", str(bad), "--output", str(tmp_path / "out.pdf")])
    assert result.exit_code == 2
    assert "profile/worker_count" in result.output and "bad.json" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_unknown_element_is_named(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"profiel": {}}), encoding="utf-8")
    result = runner.invoke(args=["render", str(bad), "--output", str(tmp_path / "out.docx")])
    assert result.exit_code == 2 and "profiel" in result.output


def test_broken_json_gives_line_and_column(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"profile": {"name": "X",}}', encoding="utf-8")
    result = runner.invoke(args=["render", str(bad), "--output", str(tmp_path / "out.docx")])
    assert result.exit_code == 2 and "regel 1" in result.output


def test_missing_file(runner, tmp_path):
    result = runner.invoke(args=["render", str(tmp_path / "nope.json"), "--output", str(tmp_path / "out.docx")])
    assert result.exit_code == 2
    assert "nope.json" in result.output and "niet gevonden" in result.output


def test_unknown_output_suffix(runner, tmp_path):
    result = runner.invoke(args=["render", str(EXAMPLES / "minimal.json"), "--output", str(tmp_path / "out.odt")])
    assert result.exit_code == 2 and ".docx" in result.output
