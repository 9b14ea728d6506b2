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


@pytest.mark.parametrize("command", ["render", "batch"])
def test_without_lang_the_document_is_in_the_answers_language(runner, tmp_path, command):
    answers = json.loads((EXAMPLES / "minimal.json").read_text())
    answers["profile"]["document_language"] = "fr"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tilleul.json").write_text(json.dumps(answers))
    args = (["render", str(folder / "tilleul.json"), "-o", str(tmp_path / "tilleul.docx")] if command == "render"
            else ["batch", str(folder), "-o", str(tmp_path), "--format", "docx", "--jobs", "1"])
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert docx.Document(str(tmp_path / "tilleul.docx")).core_properties.language == "fr-BE"
    result = runner.invoke(args=[*args, "--lang", "nl"])
    assert docx.Document(str(tmp_path / "tilleul.docx")).core_properties.language == "nl-BE"


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


def deep(depth: int) -> str:
    return '{"profile": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (json.dumps({"monitoring": {"next_review": "0000-01-01"}}), "monitoring/next_review: geen bestaande datum ('0000-01-01'"),
        (json.dumps({"monitoring": {"next_review": "2024-02-30"}}), "monitoring/next_review: geen bestaande datum"),
        (json.dumps({"external_support": {"support_list": [{"name": "1712", "last_checked": "2023-13-45"}]}}),
         "external_support/support_list/0/last_checked: geen bestaande datum ('2023-13-45'"),
        (deep(100_000), "te diep genest (meer dan 12 niveaus, regel 1)"),
        (deep(900), "te diep genest"),
        (json.dumps({"profile": {"name": "VZW\u0000De Linde"}}), "profile/name: bevat een onzichtbaar stuurteken (U+0000) op positie 4"),
        (json.dumps({"procedure": {"report_how": "Bel\u0007 meteen"}}), "procedure/report_how: bevat een onzichtbaar stuurteken (U+0007)"),
        (json.dumps({"profile": {"name": "VZW \ud800"}}), "profile/name: bevat een onzichtbaar stuurteken (U+D800)"),
        (json.dumps({"profile": {"name": ["VZW"]}}), "profile/name: verwacht tekst, niet lijst"),
        (json.dumps({"profile": {"worker_count": 2**63}}), "profile/worker_count: getal te groot (max 1.000.000.000.000.000)"),
        ('{"profile": {"worker_count": ' + "9" * 5000 + "}}", "geen geldige JSON"),
        ('{"profile": {"worker_count": NaN}}', "geen geldige JSON"),
        (json.dumps({"profile": {"name": "x" * 4_800_000}}), "profile/name: te lang (4.800.000 tekens, max 20.000)"),
        (json.dumps({"profile": {"name": "x" * 201}}), "profile/name: te lang (201 tekens, max 200)"),
    ],
    ids=["year-0", "feb-30", "month-13", "100000-deep", "900-deep", "nul", "bell", "surrogate", "list-for-text", "2**63",
         "5000-digits", "nan", "4.8-MB-text", "201-characters"],
)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_bad_answers_file_is_one_clear_line_for_both_formats(runner, tmp_path, content, message, fmt):
    bad = tmp_path / "antwoorden.json"
    bad.write_text(content, encoding="utf-8", errors="surrogatepass")
    result = runner.invoke(args=["render", str(bad), "--output", str(tmp_path / f"out.{fmt}")])
    assert result.exit_code == 2, result.output
    assert message in result.output and "antwoorden.json" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / f"out.{fmt}").exists()


def test_answers_file_that_is_not_utf8_or_too_big(runner, tmp_path):
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"profile": {"name": "Café"}}'.encode("latin-1"))
    result = runner.invoke(args=["render", str(latin), "--output", str(tmp_path / "out.docx")])
    assert result.exit_code == 2 and "geen UTF-8-tekst" in result.output
    big = tmp_path / "groot.json"
    big.write_bytes(b" " * (6 * 1024 * 1024) + b"{}")
    result = runner.invoke(args=["render", str(big), "--output", str(tmp_path / "out.docx")])
    assert result.exit_code == 2 and "groter dan 5 MB" in result.output


def test_output_that_cannot_be_written(runner, tmp_path):
    result = runner.invoke(args=["render", str(EXAMPLES / "minimal.json"), "--output", str(tmp_path / "geen-map" / "out.docx")])
    assert result.exit_code == 2 and "kan niet geschreven worden" in result.output and "Traceback" not in result.output
