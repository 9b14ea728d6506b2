"""Template packages and federation texts: a package that breaks any rule is refused whole with its problems and
nothing is stored; every template the test suite builds gives members a Word file, a PDF and an approver's page."""
from __future__ import annotations

import copy
import io
import json
import random
import re
import time

import docx
import pytest
from pypdf import PdfReader

from policybuilder.extensions import db
from policybuilder.federation.store import FONTS
from policybuilder.models import Organisation, Protocol, SectorTemplate, TemplateVersion
from policybuilder.schema import load_schema
from policybuilder.sector import export_package, template_from_json
from policybuilder.sector.template import MAX_TEMPLATE_CHARS
from policybuilder.validation import MAX_DEPTH, text_size

from ..federation.conftest import create_template, draft_of, editor, editor_client, federation, publish, send, styled  # noqa: F401 (fixtures)
from ..forms import read_form, submission
from ..sector.test_package import replaced
from ..wizard.test_templates import V1, v2

SCHEMA = load_schema()
WORDS = "melding nazorg teamcoach grens bericht chat dossier opvolging veiligheid collega".split()


def valid_template() -> dict:
    """A small valid template on the real schema, every text in Dutch and French: a locked date, a clause, sector contacts."""
    return {
        "format": 1, "name": "Protocol jeugdhulp", "federation": "Sectorfederatie Jeugd", "version": 1,
        "release_notes": "Eerste versie.",
        "questions": {
            "procedure.report_to": {"state": "locked", "default": {"nl": "de teamcoach", "fr": "le coach d'équipe"}},
            "monitoring.next_review": {"state": "locked", "default": "2027-06-30"},
        },
        "clauses": {"learning": [{"id": "fed_1", "kind": "paragraph",
                                  "text": {"nl": "Vorming volgens de sectorafspraak.", "fr": "Formation selon l'accord sectoriel."},
                                  "basis": {"kind": "sector"}}]},
        "contacts_target": "external_support.support_list",
        "contacts": [bilingual_row(SCHEMA.question("external_support.support_list"),
                                   {"name": "Sectorhulplijn", "purpose": "Opvang.", "reach": "0800 00 000", "last_checked": "2026-09-01"})],
    }


def bilingual_row(group, row: dict) -> dict:
    """A group row with each translated text field as {nl, fr} (the French marked, so a test can tell it apart)."""
    translated = {f.id for f in group.fields if f.translatable}
    return {key: {"nl": value, "fr": f"{value} (fr)"} if key in translated and isinstance(value, str) and value else value
            for key, value in row.items()}


def prose(length: int, seed: int = 1) -> str:
    """Words that compress like real text, ``length`` characters."""
    rng = random.Random(seed)
    parts, size = [], 0
    while size < length:
        parts.append(rng.choice(WORDS))
        size += len(parts[-1]) + 1
    return " ".join(parts)[:length]


def deep_json(depth: int) -> str:
    """JSON nested ``depth`` lists deep, with random white space so that it does not pack like a zip bomb."""
    rng = random.Random(depth)
    gaps = ["".join(rng.choice(" \n\t\r") for _ in range(rng.randrange(4))) for _ in range(2 * depth)]
    return '{"a":' + "".join(f"[{gap}" for gap in gaps[:depth]) + "".join(f"]{gap}" for gap in gaps[depth:]) + "}"


def nested(depth: int):
    value = "x"
    for _ in range(depth):
        value = [value]
    return value


def package(data: dict | str) -> bytes:
    """A .pbt package holding ``data`` as template.json (a string is written as is)."""
    good = export_package(template_from_json(valid_template(), SCHEMA, FONTS))
    text = data if isinstance(data, str) else json.dumps(data)
    return replaced(good, "template.json", text.encode())


def changed(**paths) -> dict:
    data = valid_template()
    for path, value in paths.items():
        *parents, last = path.split("__")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return data


def with_clause_text(text: str) -> dict:
    return changed(clauses__learning__0__text__nl=text)


def over_budget() -> dict:
    data = valid_template()
    data["clauses"] = {"learning": [{"id": f"fed_{n}", "kind": "paragraph", "text": {"nl": prose(4000, n), "fr": prose(4000, n + 100)},
                                     "basis": {"kind": "sector"}} for n in range(1, 17)]}
    return data


BAD_PACKAGES = {
    "date-feb-30": (changed(**{"questions__monitoring.next_review": {"state": "locked", "default": "2024-02-30"}}),
                    "questions/monitoring.next_review/default: geen bestaande datum ('2024-02-30'"),
    "date-zero": (changed(**{"questions__monitoring.next_review": {"state": "locked", "default": "0000-00-00"}}),
                  "questions/monitoring.next_review/default: geen bestaande datum ('0000-00-00'"),
    "last-checked-month-13": (changed(contacts__0__last_checked="2023-13-45"),
                              "contacts/0/last_checked: geen bestaande datum ('2023-13-45'"),
    "clause-4.8-MB": (with_clause_text(prose(4_800_000)), "clauses/learning/0/text/nl: te lang (4.800.000 tekens, max 20.000)"),
    "clause-too-long-for-the-editor": (with_clause_text(prose(5001)), "clauses/learning/0/text/nl: te lang (5.001 tekens, max 5.000)"),
    "list-200000": (changed(clauses__learning__0={"id": "fed_1", "kind": "bullets", "items": [{"nl": prose(12, n)} for n in range(200_000)],
                                                  "basis": {"kind": "sector"}}),
                    "clauses/learning/0/items: te veel elementen (200.000, max 1.000)"),
    "contacts-200000": (changed(contacts=[{"name": prose(12, n)} for n in range(200_000)]), "contacts: te veel elementen (200.000, max 1.000)"),
    "nul-character": (with_clause_text("Vorming\u0000 volgens afspraak."), "clauses/learning/0/text/nl: bevat een onzichtbaar stuurteken (U+0000)"),
    "escape-character": (changed(name="Protocol\u001b[31m jeugdhulp"), "name: bevat een onzichtbaar stuurteken (U+001B)"),
    "lone-surrogate": (with_clause_text("Vorming \ud800 volgens afspraak."), "clauses/learning/0/text/nl: bevat een onzichtbaar stuurteken (U+D800)"),
    "json-900-deep": (changed(clauses__learning__0__when=[{"q": "procedure.report_to", "op": "in", "value": nested(900)}]),
                      f"template.json: te diep genest (meer dan {MAX_DEPTH} niveaus"),
    "json-100000-deep": (deep_json(100_000), "template.json: te diep genest"),
    "version-2**63": (changed(version=2**63), "version: getal te groot (max 1.000.000.000.000.000)"),
    "version-1000001": (changed(version=1_000_001), "version: te groot (1000001, max 1.000.000)"),
    "version-0": (changed(version=0), "version: te klein (0, min 1)"),
    "not-a-number": ('{"format": 1, "version": NaN}', "template.json is geen geldige JSON"),
    "all-texts-over-budget": (over_budget(), "de teksten van het sjabloon zijn samen te lang ("),
}


def nothing_stored(app) -> bool:
    with app.app_context():
        return (db.session.query(SectorTemplate).count(), db.session.query(TemplateVersion).count(),
                db.session.query(Organisation).filter_by(kind="federation").count()) == (0, 0, 0)


@pytest.mark.parametrize("case", BAD_PACKAGES, ids=list(BAD_PACKAGES))
def test_bad_package_is_refused_whole_by_the_import_command(app, runner, tmp_path, case):
    data, message = BAD_PACKAGES[case]
    path = tmp_path / "sjabloon.pbt"
    path.write_bytes(package(data))
    start = time.perf_counter()
    result = runner.invoke(args=["import-template", str(path)])
    assert time.perf_counter() - start < 20
    assert result.exit_code == 2, result.output
    assert "sjabloon.pbt werd niet ingelezen:" in result.output and message in result.output, result.output[:2000]
    assert len(result.output) < 5000 and "Traceback" not in result.output
    assert nothing_stored(app)


def test_every_problem_of_a_package_is_listed_at_once(app, runner, tmp_path):
    data = changed(**{"questions__monitoring.next_review": {"state": "locked", "default": "2024-02-30"}},
                   contacts__0__last_checked="0000-00-00", name="Protocol\u0007", version=1_000_001)
    data["clauses"]["learning"][0]["text"]["nl"] = prose(4_800_000)
    path = tmp_path / "sjabloon.pbt"
    path.write_bytes(package(data))
    result = runner.invoke(args=["import-template", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines()[1:] == [
        "- template.json: name: bevat een onzichtbaar stuurteken (U+0007) op positie 9",
        "- template.json: clauses/learning/0/text/nl: te lang (4.800.000 tekens, max 20.000)",
        "- template.json: version: te groot (1000001, max 1.000.000)",
        "- template.json: questions/monitoring.next_review/default: geen bestaande datum ('2024-02-30'; schrijf JJJJ-MM-DD)",
        "- template.json: contacts/0/last_checked: geen bestaande datum ('0000-00-00'; schrijf JJJJ-MM-DD)",
    ]
    assert nothing_stored(app)


@pytest.mark.parametrize("case", ["date-feb-30", "clause-4.8-MB", "list-200000", "nul-character", "json-900-deep", "version-2**63"])
def test_bad_package_is_refused_whole_by_the_editor_import(app, editor_client, federation, case):
    data, message = BAD_PACKAGES[case]
    url = f"/federation/{federation}/templates"
    token = dict(read_form(editor_client.get(url).get_data(as_text=True)))["csrf_token"]
    response = editor_client.post(f"{url}/import", data={"csrf_token": token, "package": (io.BytesIO(package(data)), "sjabloon.pbt")},
                                  content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Het pakket werd niet ingelezen" in page
    assert message.replace("'", "&#39;") in page
    with app.app_context():
        assert db.session.query(SectorTemplate).count() == 0 and db.session.query(TemplateVersion).count() == 0


def test_editor_shows_a_date_that_does_not_exist_at_its_field(app, send, create_template, draft_of):
    template_id = create_template()
    before = draft_of(template_id)
    response = send(f"/federation/templates/{template_id}/contacts",
                    {"support_list-0-name": "Sectorhulplijn", "support_list-0-last_checked": "2023-13-45"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="support_list-0-last_checked-error">[^<]+</p>\s*<input aria-describedby="support_list-0-last_checked-error"'
                     r' aria-invalid="true"[^>]* value="2023-13-45"', page)  # the message at the field, the typed text kept
    assert draft_of(template_id) == before


def test_editor_refuses_a_clause_past_the_template_budget_and_keeps_the_text(app, send, create_template, draft_of):
    template_id = create_template()
    base = f"/federation/templates/{template_id}"
    keys = [e.key for e in SCHEMA.elements]
    for n in range(MAX_TEMPLATE_CHARS // 5000):
        response = send(f"{base}/elements/{keys[n % len(keys)]}", {"clause-text": prose(2450, n), "clause-text_fr": prose(2450, n + 100),
                                                                   "clause-basis": "sector"}, to=f"{base}/elements/{keys[n % len(keys)]}/clauses")
        assert response.status_code == 302, n
    before = draft_of(template_id)
    last = prose(4900, 99)
    response = send(f"{base}/elements/learning", {"clause-text": last, "clause-text_fr": prose(4900, 199), "clause-basis": "sector"},
                    to=f"{base}/elements/learning/clauses")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "de teksten van het sjabloon zijn samen te lang" in page and last[:200] in page
    assert draft_of(template_id) == before


# -- every template the suite builds gives members working documents ---------------------------------------------

def maximal_template() -> dict:
    """The largest valid template: every limit reached at least once, all texts together just under the budget."""
    questions = {}
    for element in SCHEMA.elements:
        for question in element.questions:
            questions[f"{element.key}.{question.id}"] = {"state": "open", "default": _edge_answer(question)}
    limit = SCHEMA.question("procedure.report_deadline").length_limit
    questions["procedure.report_deadline"] = {"state": "locked", "default": {"nl": prose(limit), "fr": prose(limit, 2)}}
    training = "Eerste lijn\n\tingesprongen ✓ 🙂 עברית e\u0301 <b>{{ 7*7 }}</b>"
    questions["learning.training"] = {"state": "hidden", "default": {"nl": training, "fr": training.replace("Eerste lijn", "Première ligne")}}
    questions["monitoring.next_review"] = {"state": "locked", "default": "9999-12-31"}
    questions["external_support.support_list"] = {"state": "open", "default": []}
    group = SCHEMA.question("external_support.support_list")
    data = {
        "format": 1, "name": "S" * 200, "federation": "Federatie Jeugdhulp", "version": 1_000_000,
        "release_notes": prose(3000, 7),
        "questions": questions,
        "clauses": {
            "procedure": [{"id": "fed_1", "kind": "paragraph", "heading": {"nl": prose(200, 2), "fr": prose(200, 3)},
                           "text": {"nl": prose(4980, 4) + " {learning.training}", "fr": prose(5000, 5)},
                           "basis": {"kind": "law", "ref": prose(300, 6)}}],
            "learning": [{"id": "fed_2", "kind": "bullets", "items": [{"nl": f"Punt {n}", "fr": f"Point {n}"} for n in range(50)],
                          "when": [{"q": "profile.worker_count", "op": "gte", "value": 1}] * 9
                          + [{"q": "profile.sector", "op": "in", "value": nested(6)}],
                          "basis": {"kind": "good_practice"}},
                         {"id": "fed_3", "kind": "table", "source": "external_support.support_list", "basis": {"kind": "sector"}}],
        },
        "contacts_target": "external_support.support_list",
        "contacts": [bilingual_row(group, {"name": f"Dienst {n}", "purpose": "Opvang.", "reach": "0800 00 000",
                                           "last_checked": ("0001-01-01", "2024-02-29", "9999-12-31")[n % 3]}) for n in range(group.max_items)],
        "style": {"primary_colour": "#000000", "font": "Times New Roman", "cover_text": prose(2000, 8), "footer_text": prose(300, 9)},
    }
    number = 4
    while text_size(data) + 1500 < MAX_TEMPLATE_CHARS:  # fill the budget with paragraphs spread over the chapters
        key = SCHEMA.keys[number % len(SCHEMA.keys)]
        data["clauses"].setdefault(key, []).append({"id": f"fed_{number}", "kind": "paragraph",
                                                    "text": {"nl": prose(600, number), "fr": prose(600, number + 500)}, "basis": {"kind": "sector"}})
        number += 1
    return data


def _edge_answer(question):
    """An answer at the edge of what ``question`` allows (short texts, so the budget is left for the rest)."""
    if question.type == "number":
        return question.max
    if question.type == "date":
        return "0001-01-01"
    if question.type == "yesno":
        return True
    if question.type == "choice":
        return question.options[-1].value
    if question.type == "multichoice":
        return [option.value for option in question.options]
    if question.type == "group":
        return [{field.id: _edge_answer(field) for field in question.fields} for _ in range(question.max_items)]
    return {"nl": "Tekst\tmet tab", "fr": "Texte\tavec tab"} if question.translatable else "Tekst\tmet tab"


def member_templates() -> dict[str, dict]:
    """Every template on the real schema that the test suite builds, by name (the federation editor's is made in its test)."""
    return {"wizard-v1": copy.deepcopy(V1), "wizard-v2": v2(), "small-valid": valid_template(), "maximal": maximal_template()}


def test_maximal_template_is_valid_and_at_its_limits():
    data = maximal_template()
    template_from_json(data, SCHEMA, FONTS, complete=True)
    assert MAX_TEMPLATE_CHARS - 1500 <= text_size(data) <= MAX_TEMPLATE_CHARS
    assert data["version"] == 1_000_000 and len(data["name"]) == 200
    assert len(data["contacts"]) == SCHEMA.question("external_support.support_list").max_items


@pytest.fixture
def member_documents(app, client, approver_client, publish_template, token, decide):
    """Return a callable: start a member protocol from a published version, check every page and file; returns the timings."""

    def check(version_id: int) -> dict[str, float]:
        page = client.get("/protocols/new").get_data(as_text=True)
        response = client.post("/protocols/new", data={**dict(read_form(page)), "template": str(version_id)})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        protocol_id = int(re.search(r"/protocols/(\d+)/", response.location).group(1))
        timings = {}
        for url in (f"/protocols/{protocol_id}/steps/{key}" for key in SCHEMA.keys):
            assert client.get(url).status_code == 200, url
        assert client.get(f"/protocols/{protocol_id}/review").status_code == 200
        assert client.get(f"/protocols/{protocol_id}/preview").status_code == 200
        for fmt in ("docx", "pdf"):
            start = time.perf_counter()
            response = client.get(f"/protocols/{protocol_id}/download/{fmt}")
            timings[fmt] = time.perf_counter() - start
            assert response.status_code == 200 and readable(response.data, fmt)
        response = client.post(f"/protocols/{protocol_id}/submit", data=submission(client, protocol_id))
        assert response.status_code == 302
        assert approver_client.get(f"/protocols/{protocol_id}/versions/1").status_code == 200
        assert decide(protocol_id, 1).status_code == 302
        for fmt in ("docx", "pdf"):
            response = client.get(f"/protocols/{protocol_id}/versions/1/download/{fmt}")
            assert response.status_code == 200 and readable(response.data, fmt)
        with app.app_context():
            assert db.session.get(Protocol, protocol_id).versions[0].status == "approved"
        return timings

    return check


def readable(data: bytes, fmt: str) -> bool:
    if fmt == "docx":
        return len(docx.Document(io.BytesIO(data)).paragraphs) > 10
    return len(PdfReader(io.BytesIO(data)).pages) > 3


@pytest.mark.parametrize("name", list(member_templates()))
def test_member_protocol_from_every_template_gives_word_pdf_and_the_approvers_page(publish_template, member_documents, name):
    data = member_templates()[name]
    full = {"format": 1, "name": "Sjabloon jeugdhulp", "federation": "Federatie Jeugdhulp", "version": 1, **data}
    template_from_json(full, SCHEMA, FONTS)  # only what the import and the editor accept
    timings = member_documents(publish_template(data, number=full["version"], name=full["name"]))
    if name == "maximal":
        print(f"maximal template: Word {timings['docx']:.2f} s, PDF {timings['pdf']:.2f} s")
        assert timings["pdf"] < 60


def test_member_protocol_from_the_federation_editors_template(app, styled, publish, member_documents):
    assert publish(styled).status_code == 302
    with app.app_context():
        version_id = db.session.query(TemplateVersion).filter_by(template_id=styled).one().id
    member_documents(version_id)

