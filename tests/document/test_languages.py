"""A protocol in the other language than its answers: no sentence mixes languages, typed answers are quoted in
marked notes tagged with their language (Word w:lang, PDF /Lang), translations and default wording are used."""
from __future__ import annotations

import copy
import re
import shutil
from io import BytesIO

import docx
import pikepdf
import pypdf
import pytest
from docx.oxml.ns import qn

from policybuilder.answers import TRANSLATIONS_KEY, value
from policybuilder.document import build_document, build_staff_card, render_docx, render_pdf, Style
from policybuilder.document.card import card_languages
from policybuilder.document.model import LanguageNote, NoteBox, Paragraph, Table, plain

from .conftest import META, example, pdf_text, word_as_pdf
from .language import docx_paragraphs, language_of, paragraphs_in, pdf_blocks
from .test_card import many_contacts

QUOTE_FR = "Réponse donnée uniquement en néerlandais"
QUOTE_NL = "Antwoord alleen in het Frans gegeven"
EVIDENCE = "de afgeschermde map Incidenten op de server"  # examples/full.json, procedure.evidence_location


def blocks_of(doc) -> list:
    return [block for section in doc.sections for block in section.blocks]


def notes_of(doc) -> list[str]:
    return [plain(block.runs) for block in blocks_of(doc) if isinstance(block, LanguageNote)]


def sentences_of(doc) -> list[str]:
    return [plain(block.runs) for block in blocks_of(doc) if isinstance(block, (Paragraph, NoteBox))]


@pytest.fixture(scope="module", params=[("full", "fr"), ("full-fr", "nl")], ids=["fr-of-nl", "nl-of-fr"])
def crossed(request, schema):
    """(answers, document language, document, docx, pdf): each example in the other language than its answers."""
    name, lang = request.param
    answers = example(name)
    doc = build_document(schema, answers, META, lang)
    return answers, lang, doc, render_docx(doc, Style()), render_pdf(doc, Style())


def test_the_heuristic_tells_dutch_from_french():
    assert language_of("Meld het binnen 24 uur aan de leidinggevende, die het verder opvolgt.") == "nl"
    assert language_of("Signalez-le dans les 24 heures au responsable, qui en assure le suivi.") == "fr"
    assert language_of("Jan Peeters, 015 28 44 12") is None


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_no_paragraph_in_the_answers_language_outside_the_typed_answers(crossed, fmt, tmp_path):
    answers, lang, _, word, pdf = crossed
    other = "nl" if lang == "fr" else "fr"
    paragraphs = docx_paragraphs(word) if fmt == "docx" else pdf_blocks(pdf, tmp_path)
    assert len(paragraphs_in(lang, paragraphs, answers)) > 150  # the check is not vacuous: the document is read
    mixed = paragraphs_in(other, paragraphs, answers)
    assert mixed == [], f"{len(mixed)} of {len(paragraphs)} paragraphs still in '{other}':\n" + "\n".join(mixed)


def test_a_typed_answer_is_never_inside_a_sentence_but_quoted_in_a_note(crossed):
    answers, lang, doc, _, _ = crossed
    label = QUOTE_FR if lang == "fr" else QUOTE_NL
    typed = answers["procedure"]["evidence_location"]
    assert not [sentence for sentence in sentences_of(doc) if typed in sentence]
    assert [note for note in notes_of(doc) if note.startswith("1 " + label) and typed in note]
    # The whole-paragraph answer (profile.extra_agreements) is the note itself, without a number.
    assert any(note.startswith(label) and answers["profile"]["extra_agreements"] in note for note in notes_of(doc))


def test_the_slot_shows_the_blank_name_in_italics_with_the_note_number(schema):
    doc = build_document(schema, example("full"), META, "fr")
    blank = schema.question("procedure.evidence_location").blank["fr"]
    slots = [(run, runs[n + 1]) for block in blocks_of(doc) if isinstance(block, Paragraph)
             for runs in [block.runs] for n, run in enumerate(runs[:-1]) if run.text.lower() == blank.lower()]
    assert slots and all(name.italic and number.superscript and number.text.isdigit() for name, number in slots)


def test_a_translation_is_used_as_if_typed_in_the_document_language(schema):
    answers = copy.deepcopy(example("full"))
    answers[TRANSLATIONS_KEY] = {"fr": {
        "procedure.evidence_location": "le dossier protégé « Incidents » sur le serveur",
        "contacts.internal_contacts.0.function": "coordinateur de l'entraînement au logement autonome",
    }}
    doc = build_document(schema, answers, META, "fr")
    assert any("le dossier protégé «\u00a0Incidents\u00a0» sur le serveur" in sentence for sentence in sentences_of(doc))
    assert not [note for note in notes_of(doc) if EVIDENCE in note]
    cells = [cell for block in blocks_of(doc) if isinstance(block, Table) for row in block.rows for cell in row]
    translated = [cell for cell in cells if plain(cell) == "coordinateur de l'entraînement au logement autonome"]
    assert translated and not any(run.lang or run.superscript for cell in translated for run in cell)
    # The Dutch document is untouched by the French translations.
    assert any(EVIDENCE in sentence for sentence in sentences_of(build_document(schema, answers, META, "nl")))


def test_an_answer_equal_to_the_dutch_default_comes_out_as_the_french_default(schema):
    question = schema.question("procedure.report_deadline")
    answers = {"profile": {"name": "vzw X"}, "procedure": {"report_deadline": "  " + question.default["nl"].replace(" ", "\n  ") + " "}}
    assert value(schema, answers, "procedure.report_deadline", "fr") == question.default["fr"]
    doc = build_document(schema, answers, META, "fr")
    assert any(question.default["fr"] in sentence for sentence in sentences_of(doc))
    assert not [note for note in notes_of(doc) if question.default["nl"] in note]
    levels = schema.question("procedure.severity_levels")
    rows = [{key: f" {cell} " if isinstance(cell, str) else cell for key, cell in row.items()} for row in levels.default_value("nl")]
    assert value(schema, {"procedure": {"severity_levels": rows}}, "procedure.severity_levels", "fr") == levels.default_value("fr")


def test_the_quote_is_tagged_with_its_language_in_word(schema):
    doc = build_document(schema, example("full"), META, "fr")
    word = docx.Document(BytesIO(render_docx(doc, Style())))
    tagged = [run.text for paragraph in word.paragraphs for run in paragraph.runs
              if (lang := run._r.find(f"{qn('w:rPr')}/{qn('w:lang')}")) is not None and lang.get(qn("w:val")) == "nl-BE"]
    assert EVIDENCE in tagged
    notes = [paragraph for paragraph in word.paragraphs if paragraph.style.name == "Taalnoot"]
    assert any(QUOTE_FR in paragraph.text and EVIDENCE in paragraph.text for paragraph in notes)
    default = word.styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:lang')}")
    assert default.get(qn("w:val")) == "fr-BE"


def test_the_quote_is_tagged_with_its_language_in_the_pdf(schema, tmp_path):
    pdf = render_pdf(build_document(schema, example("full"), META, "fr"), Style())
    with pikepdf.open(BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == "fr-BE"
        langs, stack = [], list(document.Root.StructTreeRoot.K)
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                if "/Lang" in node:
                    langs.append((str(node.S), str(node.Lang)))
                if "/K" in node:
                    stack.append(node.K)
    assert ("/Span", "nl-BE") in langs
    assert {lang for _, lang in langs} == {"nl-BE"}
    text = re.sub(r"\s+", " ", " ".join(pdf_text(pdf, tmp_path)))
    assert f"{QUOTE_FR} : « {EVIDENCE} »" in text.replace("\u00a0", " ")


def test_the_card_exists_in_french_says_vous_and_fits_one_page(schema, tmp_path):
    answers = example("full")
    assert card_languages(schema, answers) == ("nl", "fr")
    card = build_staff_card(schema, answers, META, "fr")
    pdf = render_pdf(card, Style())
    assert len(pypdf.PdfReader(BytesIO(pdf)).pages) == 1
    text = " ".join(pdf_text(pdf, tmp_path)).replace("\u00a0", " ")
    assert re.search(r"\bvous\b", text, re.IGNORECASE)
    assert not re.search(r"\b(tu|ton|ta|tes|toi|te)\b", text, re.IGNORECASE), re.findall(r".{30}\b(?:tu|ton|ta|tes|toi|te)\b.{30}", text)
    assert any(block for block in card.sections[0].blocks if isinstance(block, LanguageNote))
    assert EVIDENCE not in " ".join(sentences_of(card))
    paragraphs = pdf_blocks(pdf, tmp_path)
    assert paragraphs_in("nl", paragraphs, answers) == []


def test_the_french_card_of_many_dutch_contacts_fits_one_page_in_pdf_and_word(schema, tmp_path):
    card = build_staff_card(schema, many_contacts(), META, "fr")
    assert any(isinstance(block, LanguageNote) for block in card.sections[0].blocks)
    assert len(pypdf.PdfReader(BytesIO(render_pdf(card, Style()))).pages) == 1
    if shutil.which("soffice"):
        assert len(pypdf.PdfReader(word_as_pdf(render_docx(card, Style()), tmp_path, "card-fr")).pages) == 1


def test_french_answers_in_a_french_document_need_no_note_and_nothing_is_dutch(schema, tmp_path):
    answers = example("full-fr")
    doc = build_document(schema, answers, META, "fr")
    assert notes_of(doc) == [] and answers["procedure"]["evidence_location"] in " ".join(sentences_of(doc)).replace("\u00a0", " ")
    for paragraphs in (docx_paragraphs(render_docx(doc, Style())), pdf_blocks(render_pdf(doc, Style()), tmp_path)):
        assert paragraphs_in("nl", paragraphs, answers) == []
