"""The French document reads as written in French: labels, role rows, prepositions, typography, placeholders."""
from __future__ import annotations

import copy
import dataclasses

import pytest

from policybuilder.document import build_document, build_staff_card
from policybuilder.document.model import Table, plain

from .conftest import META, example

DRAFT = dataclasses.replace(META, version_label="concept")


def first_cells(doc) -> list[str]:
    return [plain(row[0]) for section in doc.sections for block in section.blocks if isinstance(block, Table)
            for row in block.rows if row]


def test_the_draft_is_labelled_projet_in_french_on_cover_header_and_card(schema):
    answers = example("full")
    for doc in (build_document(schema, answers, DRAFT, "fr"), build_staff_card(schema, answers, DRAFT, "fr")):
        assert doc.meta.version_label == "projet" and "concept" not in doc.header_text
    assert build_document(schema, answers, DRAFT, "nl").meta.version_label == "concept"
    assert build_document(schema, answers, META, "fr").meta.version_label == "concept 4"  # a named label stays


def test_default_role_rows_the_organisation_lacks_are_left_out_in_french(schema):
    answers = copy.deepcopy(example("minimal"))
    answers.setdefault("contacts", {})["has_vertrouwenspersoon"] = False
    answers["contacts"].pop("internal_contacts", None)
    answers.setdefault("profile", {})["management"] = "de raad van bestuur"
    for lang, words in (("fr", ("Personne de confiance", "Direction")), ("nl", ("Vertrouwenspersoon", "Directie"))):
        cells = first_cells(build_document(schema, answers, META, lang))
        assert not [cell for cell in cells if cell.startswith(words)], (lang, cells)


def test_every_item_of_a_list_after_a_gets_its_preposition(schema):
    doc = build_document(schema, example("full"), META, "fr")
    words = " ".join(plain(run for item in block.items for run in item) if hasattr(block, "items") else
                     plain(block.runs) if hasattr(block, "runs") else "" for s in doc.sections for block in s.blocks)
    assert "au responsable direct et à la direction" in words
    assert "au responsable direct et la direction" not in words and "\x01" not in words


def test_de_before_a_vowel_is_elided_in_the_one_place_that_contracts():
    from policybuilder.document.build import _contract_fr
    from policybuilder.document.facts import ITEM
    from policybuilder.document.model import Run

    before, after = _contract_fr(Run("le conseiller de "), (Run("IDEWE"),))
    assert before.text + after[0].text == "le conseiller d'IDEWE"
    before, after = _contract_fr(Run("parlez-en à "), (Run(f"le responsable ou {ITEM}les collègues, {ITEM}IDEWE"),))
    assert before.text + after[0].text == "parlez-en au responsable ou aux collègues, à IDEWE"
    before, after = _contract_fr(Run("informez "), (Run(f"le responsable et {ITEM}la direction"),))
    assert before.text + after[0].text == "informez le responsable et la direction"


def test_a_dutch_answer_in_a_french_sentence_shows_a_noun_phrase_with_its_article(schema):
    doc = build_document(schema, example("full"), META, "fr")
    words = " ".join(plain(block.runs) for s in doc.sections for block in s.blocks if hasattr(block, "runs"))
    words += " ".join(plain(run for item in block.items for run in item)
                      for s in doc.sections for block in s.blocks if hasattr(block, "items"))
    assert "qui les conserve dans le lieu de conservation des preuves" in words


def test_french_cross_references_name_real_headings(schema):
    import re
    import yaml
    from pathlib import Path

    schemas = Path(__file__).resolve().parents[2] / "schemas"
    texts = (schemas / "document.yaml").read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in sorted((schemas / "elements").glob("*.yaml"))).replace("''", "'")
    headings = [str(title) for path in sorted((schemas / "elements").glob("*.yaml"))
                for title in re.findall(r"(?:title|heading): \{nl: [^}]*?, fr: '?(.+?)'?\}", path.read_text(encoding="utf-8"))]
    headings += [yaml.safe_load((schemas / "elements" / "profile.yaml").read_text(encoding="utf-8"))["title"]["fr"]]
    referred = re.findall(r"(?:voir|chapitres?)(?: les chapitres| le chapitre)? « ([^»]+?) »(?: et « ([^»]+?) »)?", texts)
    names = {name for pair in referred for name in pair if name}
    assert names and all(any(heading.replace("''", "'").startswith(name) for heading in headings) for name in names), names
    assert not re.search(r"\b(la|une) carte\b", texts.replace("carte d'identité", "")), "the staff card is 'la fiche pour le personnel'"


def _text_objects(node):
    if isinstance(node, dict):
        if "nl" in node and "fr" in node and all(isinstance(node[k], str) for k in ("nl", "fr")):
            yield node
        for child in node.values():
            yield from _text_objects(child)
    elif isinstance(node, list):
        for child in node:
            yield from _text_objects(child)


def test_every_placeholder_in_french_is_one_of_the_dutch_text():
    import re
    import yaml
    from pathlib import Path

    schemas = Path(__file__).resolve().parents[2] / "schemas"
    slot = re.compile(r"\{[^{}]*\}")
    wrong = []
    for path in sorted([schemas / "document.yaml", *(schemas / "elements").glob("*.yaml")]):
        for wording in _text_objects(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if set(slot.findall(wording["fr"])) - set(slot.findall(wording["nl"])):
                wrong.append((path.name, wording["fr"][:80]))
    assert wrong == []


def test_a_dutch_only_template_clause_is_quoted_with_the_dutch_facts(schema):
    from policybuilder.document.build import _Builder
    from policybuilder.document.texts import load_texts
    from policybuilder.schema import Clause

    builder = _Builder(schema, example("full"), "fr", load_texts(), META)
    note = builder.template_note(Clause("legacy", "paragraph", text={"nl": "Meld het aan {facts.report_to}."}))
    quoted = [run for run in note.runs if run.lang == "nl"]
    assert [run.text for run in quoted] == ["Meld het aan de eigen leidinggevende."], note.runs


def test_french_punctuation_gets_a_no_break_space_but_urls_mails_and_times_do_not(schema, tmp_path):
    from policybuilder.document import Style, render_pdf

    from .conftest import pdf_text

    doc = build_document(schema, example("full"), DRAFT, "fr")
    words = " ".join(plain(block.runs) for s in doc.sections for block in s.blocks if hasattr(block, "runs"))
    assert "\u00a0:" in words and "«\u00a0" in words and "\u00a0»" in words
    assert " :" not in words and " ;" not in words and " ?" not in words and "« " not in words
    card = build_staff_card(schema, example("full"), DRAFT, "fr")
    assert "\u00a0:" in " ".join(plain(block.runs) for block in card.sections[0].blocks if hasattr(block, "runs"))
    assert "\u00a0:" not in " ".join(plain(block.runs) for s in build_document(schema, example("full"), DRAFT, "nl").sections
                                       for block in s.blocks if hasattr(block, "runs"))
    text = " ".join(pdf_text(render_pdf(doc, Style()), tmp_path))
    assert "@deklimop.be" in text and "\u00a0@" not in text
    from policybuilder.document.build import FR_PUNCTUATION

    assert FR_PUNCTUATION.sub("~", "https://a.be:8080/?x=1 à 14:30 ; a@b.be") == "https://a.be:8080/?x=1 à 14:30~; a@b.be"


def test_the_drafters_function_typed_in_dutch_is_marked_in_the_french_control_block(schema):
    doc = build_document(schema, example("full"), DRAFT, "fr")
    label = doc.labels["drafted_by"]
    value = next(runs for name, runs in doc.control.rows if name == label)
    assert [run.lang for run in value if "preventieadviseur" in run.text] == ["nl"] and len(value) > 1


@pytest.mark.parametrize("typed, typeset", [
    (" : à la ligne", "~: à la ligne"),  # a run may start with the space (the text before it is another run)
    ("Contact : 02 ; le soir ? oui ! « bien »", "Contact~: 02~; le soir~? oui~! «~bien~»"),
    ("deux espaces  : rien", "deux espaces  : rien"),  # a space after a space is no thin space before punctuation
    ("«\u00a0déjà\u00a0»", "«\u00a0déjà\u00a0»"),
    ("a:b; c?d", "a:b; c?d"),
])
def test_the_no_break_space_goes_exactly_where_french_typography_wants_it(typed, typeset):
    from policybuilder.document.build import FR_PUNCTUATION

    assert FR_PUNCTUATION.sub("~", typed) == typeset
