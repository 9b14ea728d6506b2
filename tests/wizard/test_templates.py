"""A member protocol started from a sector template: fixed answers, suggestions, updates without loss."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from policybuilder.extensions import db
from policybuilder.models import Protocol

from ..forms import read_form, submission
from .test_steps import step_url

V1 = {
    "questions": {
        "learning.reflection_within": {"state": "open", "default": "binnen twee weken"},
        "learning.reflection_led_by": {"state": "open", "default": "De teamcoach"},
        "learning.training": {"state": "open", "default": "Vorming A voor alle teams.",
                              "suggestion": {"nl": "Noem ook <b>intervisie</b> {{ 7*7 }}"}},
        "procedure.report_deadline": {"state": "locked", "default": "binnen 12 uur"},
        "communication.inform_team_by": {"state": "hidden", "default": "de directie"},
    },
    "clauses": {"learning": [{"id": "fed_1", "kind": "paragraph", "text": {"nl": "Sectorafspraak {{ 7*7 }} <script>x</script>"},
                              "basis": {"kind": "sector", "ref": "Sectorakkoord 2026"}}]},
    "style": {"primary_colour": "#7A1F5C", "font": "Arial"},
}


def v2() -> dict:
    questions = {**V1["questions"]}
    questions["learning.reflection_within"] = {"state": "open", "default": "binnen tien dagen"}
    questions["learning.training"] = {"state": "open", "default": "Vorming B voor alle teams."}
    questions["procedure.report_deadline"] = {"state": "locked", "default": "binnen 8 uur"}
    return {**V1, "questions": questions, "release_notes": "Kortere termijnen na overleg met de sector."}


@pytest.fixture
def started(app, client, publish_template, token):
    """A protocol of VZW De Linde started from version 1 of the federation's template."""
    version_id = publish_template(V1)
    page = client.get("/protocols/new").get_data(as_text=True)
    assert "Sjabloon jeugdhulp van Federatie Jeugdhulp (versie 1)" in page
    fields = dict(read_form(page))
    response = client.post("/protocols/new", data={**fields, "template": str(version_id)})
    assert response.status_code == 302
    protocol_id = int(re.search(r"/protocols/(\d+)/", response.location).group(1))
    return protocol_id


def answers(app, protocol_id: int) -> dict:
    with app.app_context():
        return db.session.get(Protocol, protocol_id).answers


def test_template_values_are_the_starting_answers(app, started):
    stored = answers(app, started)
    assert stored["procedure"]["report_deadline"] == "binnen 12 uur"
    assert stored["communication"]["inform_team_by"] == "de directie"
    assert stored["learning"]["training"] == "Vorming A voor alle teams."


def test_locked_is_read_only_hidden_is_not_asked_suggestions_are_text(client, started):
    procedure = client.get(step_url(started, "procedure")).get_data(as_text=True)
    assert re.search(r'<input[^>]*disabled[^>]*id="report_deadline"|<input[^>]*id="report_deadline"[^>]*disabled', procedure)
    assert "Vastgelegd door je federatie" in procedure
    assert 'name="inform_team_by"' not in client.get(step_url(started, "communication")).get_data(as_text=True)
    learning = client.get(step_url(started, "learning")).get_data(as_text=True)
    assert "Noem ook &lt;b&gt;intervisie&lt;/b&gt; {{ 7*7 }}" in learning


def test_saving_keeps_locked_and_hidden_values(app, submit, started):
    assert submit(step_url(started, "procedure")).status_code == 302
    assert submit(step_url(started, "communication")).status_code == 302
    stored = answers(app, started)
    assert stored["procedure"]["report_deadline"] == "binnen 12 uur"
    assert stored["communication"]["inform_team_by"] == "de directie"


@pytest.mark.parametrize(("key", "field"), [("procedure", "report_deadline"), ("communication", "inform_team_by")])
def test_crafted_post_against_a_fixed_question_is_refused(app, submit, started, key, field):
    response = submit(step_url(started, key), {field: "wanneer het uitkomt"})
    assert response.status_code == 422
    assert "legde de federatie vast" in response.get_data(as_text=True)
    assert answers(app, started)[key][field] != "wanneer het uitkomt"


def test_documents_carry_the_template_clause_as_text_and_the_house_style(app, client, started, publish_template):
    preview = client.get(f"/protocols/{started}/preview").get_data(as_text=True)
    assert "Sectorafspraak {{ 7*7 }} &lt;script&gt;x&lt;/script&gt;" in preview
    assert "#7A1F5C" in preview
    pdf = client.get(f"/protocols/{started}/download/pdf").data
    assert "Sectorafspraak {{ 7*7 }} <script>x</script>" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_logo_of_the_template_is_on_the_cover(app, client, make_protocol, publish_template):
    logo = io.BytesIO()
    Image.new("RGB", (40, 20), "#7A1F5C").save(logo, "PNG")
    version_id = publish_template({**V1, "style": {**V1["style"], "logo": "logo.png"}}, logo=logo.getvalue(), name="Met logo")
    protocol_id = make_protocol()
    with app.app_context():
        db.session.get(Protocol, protocol_id).template_version_id = version_id
        db.session.commit()
    pdf = PdfReader(io.BytesIO(client.get(f"/protocols/{protocol_id}/download/pdf").data))
    assert any(page.images for page in pdf.pages[:1])
    import docx

    document = docx.Document(io.BytesIO(client.get(f"/protocols/{protocol_id}/download/docx").data))
    assert document.inline_shapes, "the logo is on the Word cover"


def update_page(client, protocol_id: int) -> str:
    return client.get(f"/protocols/{protocol_id}/template-update").get_data(as_text=True)


def test_new_version_is_announced_with_its_release_notes(client, started, publish_template):
    publish_template(v2(), number=2)
    review = client.get(f"/protocols/{started}/review").get_data(as_text=True)
    assert "Nieuwe sjabloonversie beschikbaar" in review and "Kortere termijnen" in review


def test_three_way_merge_through_the_web(app, client, submit, started, publish_template):
    submit(step_url(started, "learning"), {"reflection_led_by": "De directeur", "training": "Vorming A en C voor alle teams."})
    publish_template(v2(), number=2)
    page = update_page(client, started)
    taken = page.split("wordt overgenomen")[1].split("</ul>")[0]
    assert "Wanneer vindt de reflectie" in taken          # member kept the old default: new default taken
    assert "Procedure bij een incident" in taken          # locked: the new text, always
    kept = page.split("Je eigen tekst blijft staan")[1].split("</ul>")[0]
    assert "Wie leidt de reflectie" in kept               # member changed, federation did not
    assert "Vorming en intervisie" in page.split("Kies wat blijft")[1]  # both changed: a conflict
    assert "<ins>B</ins>" in page or "<ins>B " in page

    assert answers(app, started)["learning"]["reflection_within"] == "binnen twee weken"  # nothing applied yet
    fields = [(k, v) for k, v in read_form(page) if not k.startswith(("choice-", "text-"))]
    fields += [("choice-learning.training", "edit"), ("text-learning.training", "Vorming B en C voor alle teams.")]
    response = client.post(f"/protocols/{started}/template-update", data=MultiDict(fields))
    assert response.status_code == 302
    stored = answers(app, started)
    assert stored["learning"]["reflection_within"] == "binnen tien dagen"
    assert stored["learning"]["reflection_led_by"] == "De directeur"
    assert stored["learning"]["training"] == "Vorming B en C voor alle teams."
    assert stored["procedure"]["report_deadline"] == "binnen 8 uur"
    with app.app_context():
        assert db.session.get(Protocol, started).template_version.number == 2
    assert "Nieuwe sjabloonversie" not in client.get(f"/protocols/{started}/review").get_data(as_text=True)


def test_a_version_records_the_template_version_it_used(app, client, started, token):
    client.post(f"/protocols/{started}/submit", data=submission(client, started))
    with app.app_context():
        version = db.session.get(Protocol, started).versions[0]
        assert version.template_version.number == 1


def test_an_svg_logo_reaches_both_documents_as_an_image(app, client, make_protocol, publish_template):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#7A1F5C"/></svg>'
    version_id = publish_template({**V1, "style": {**V1["style"], "logo": "logo.svg"}}, logo=svg, name="Met SVG-logo")
    protocol_id = make_protocol()
    with app.app_context():
        db.session.get(Protocol, protocol_id).template_version_id = version_id
        db.session.commit()
    import docx

    document = docx.Document(io.BytesIO(client.get(f"/protocols/{protocol_id}/download/docx").data))
    assert document.inline_shapes
    assert PdfReader(io.BytesIO(client.get(f"/protocols/{protocol_id}/download/pdf").data)).pages[0].images


def pdf_fonts(data: bytes) -> set[str]:
    """The base font names embedded in a PDF."""
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


def test_the_house_font_is_embedded_in_the_pdf(app, client, make_protocol, publish_template):
    version_id = publish_template({**V1, "style": {"primary_colour": "#7A1F5C", "font": "Times New Roman"}}, name="Serif")
    protocol_id = make_protocol()
    assert not any("Times" in f for f in pdf_fonts(client.get(f"/protocols/{protocol_id}/download/pdf").data))
    with app.app_context():
        db.session.get(Protocol, protocol_id).template_version_id = version_id
        db.session.commit()
    assert any(f.startswith("Times-New-Roman") for f in pdf_fonts(client.get(f"/protocols/{protocol_id}/download/pdf").data))


BILINGUAL = {"questions": {
    "procedure.report_deadline": {"state": "locked", "default": {"nl": "binnen 12 uur", "fr": "dans les 12 heures"}},
    "communication.inform_team_by": {"state": "hidden", "default": {"nl": "de directie", "fr": "la direction"}},
}}


def test_a_french_member_gets_and_keeps_locked_and_hidden_values_in_french(app, client, submit, make_protocol, publish_template):
    version_id = publish_template(BILINGUAL)
    protocol_id = make_protocol(answers={"profile": {"name": "ASBL Le Tilleul", "sector": "youth_care", "document_language": "fr"},
                                         "procedure": {"report_deadline": "dans les 12 heures"}})
    with app.app_context():
        db.session.get(Protocol, protocol_id).template_version_id = version_id
        db.session.commit()
    page = client.get(step_url(protocol_id, "procedure")).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="report_deadline"[^>]*value="dans les 12 heures"|<input[^>]*value="dans les 12 heures"[^>]*id="report_deadline"', page)
    assert "binnen 12 uur" not in page
    assert submit(step_url(protocol_id, "procedure")).status_code == 302  # the French value shown is no change
    assert submit(step_url(protocol_id, "communication")).status_code == 302
    stored = answers(app, protocol_id)
    assert stored["procedure"]["report_deadline"] == "dans les 12 heures"
    assert stored["communication"]["inform_team_by"] == "la direction"
    response = submit(step_url(protocol_id, "procedure"), {"report_deadline": "binnen 12 uur"})
    assert response.status_code == 422 and "legde de federatie vast" in response.get_data(as_text=True)


def test_a_translation_of_a_row_that_is_gone_never_blocks_a_template_update(app, client, started, publish_template):
    with app.app_context():
        protocol = db.session.get(Protocol, started)
        protocol.answers = {**protocol.answers, "contacts": {"internal_contacts": [{"role": "Teamcoach", "name": "Els"}]},
                            "_translations": {"fr": {"contacts.internal_contacts.0.role": "Coach d'équipe",
                                                     "contacts.internal_contacts.3.role": "Ancienne ligne"}}}
        db.session.commit()
    publish_template(v2(), number=2)
    page = update_page(client, started)
    fields = [(k, v) for k, v in read_form(page) if not k.startswith(("choice-", "text-"))]
    response = client.post(f"/protocols/{started}/template-update", data=MultiDict(fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = answers(app, started)
    assert stored["_translations"] == {"fr": {"contacts.internal_contacts.0.role": "Coach d'équipe"}}
    assert stored["contacts"]["internal_contacts"] == [{"role": "Teamcoach", "name": "Els"}]
    assert stored["procedure"]["report_deadline"] == "binnen 8 uur"
