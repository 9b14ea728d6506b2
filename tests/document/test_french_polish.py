"""The French document reads as written in French: labels, role rows, prepositions, typography, placeholders."""
from __future__ import annotations

import copy
import dataclasses

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
