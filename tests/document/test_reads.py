"""What the step preview builds on: a build that notes what each section reads, starts from an earlier one and finds
the sections a step changes; the preview's HTML blocks made once. Each must give what a full build gives."""
from __future__ import annotations

import pytest

from policybuilder.document import build_document
from policybuilder.document.build import build_with_reads, sections_changed_by
from policybuilder.document.model import NoteBox, Run

from .conftest import META, example


def changed(answers: dict, ref: str, new) -> dict:
    """``answers`` with one answer replaced (a new dict: the old one stays as it was)."""
    element, _, question = ref.partition(".")
    return {**answers, element: {**answers.get(element, {}), question: new}}


EDITS = [
    ("procedure.report_to", "de teamcoach"),  # a fact several chapters use
    ("profile.management", "de raad van bestuur"),  # the management fact, also in other chapters' wording
    ("contacts.has_vertrouwenspersoon", False),  # roles the organisation lacks: rows and facts change
    ("learning.training", "Vorming in september."),  # one chapter only
    ("profile.document_language", "fr"),  # the answers' language: every section may read differently
    ("external_support.support_list", []),  # a group emptied: placeholders
]


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("ref, new", EDITS)
def test_a_build_that_starts_from_an_earlier_one_is_the_same_document(schema, lang, ref, new):
    before = example("full")
    after = changed(before, ref, new)
    _doc, earlier = build_with_reads(schema, before, META, lang)
    doc, reads = build_with_reads(schema, after, META, lang, earlier=earlier)
    assert doc == build_document(schema, after, META, lang)
    back, _reads = build_with_reads(schema, before, META, lang, earlier=reads)
    assert back == build_document(schema, before, META, lang)


def test_sections_that_read_nothing_of_the_edit_are_taken_from_the_earlier_build(schema):
    before = example("full")
    _doc, earlier = build_with_reads(schema, before, META)
    _doc, reads = build_with_reads(schema, changed(before, "learning.training", "Vorming in september."), META, earlier=earlier)
    kept = {anchor for anchor, section in reads.built.items() if section is earlier.built[anchor]}
    assert "ch-learning" not in kept and {"ch-procedure", "ch-contacts", "annex-staff_card"} <= kept


def blanked_build(schema, answers, element_key, lang):
    """The document with the step's answers left empty, built in full."""
    blanked = {**answers, element_key: {q.id: None for q in schema.element(element_key).questions}}
    return build_document(schema, blanked, META, lang)


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("name", ["full", "full-fr", "minimal"])
def test_the_sections_a_step_changes_are_those_that_read_differently_with_the_step_left_empty(schema, lang, name):
    answers = example(name)
    doc, reads = build_with_reads(schema, answers, META, lang)
    note = NoteBox((Run(doc.labels["placeholder_note"]),))
    for element in schema.elements:
        without = {section.anchor: section for section in blanked_build(schema, answers, element.key, lang).sections}
        expected = {section.anchor for section in doc.sections
                    if [b for b in section.blocks if b != note] != [b for b in without[section.anchor].blocks if b != note]}
        found, blanked = sections_changed_by(schema, doc, reads, element.key, META)
        assert found == expected, element.key
        assert sections_changed_by(schema, doc, reads, element.key, META, skip=frozenset({"intro"}))[0] == expected - {"intro"}
        assert sections_changed_by(schema, doc, reads, element.key, META, earlier=blanked)[0] == expected  # from its own Reads


def test_the_sections_a_step_changes_follow_edits_when_each_call_starts_from_the_last(schema):
    """The previous call's Reads (the step left empty) serve the next call, also when the answers changed meanwhile."""
    full, blanked = example("full"), {}
    edits = [("contacts.out_of_hours_route", "bel de permanentie"), ("procedure.report_to", "de teamcoach"),
             ("contacts.has_vertrouwenspersoon", False), ("profile.management", "de raad van bestuur"), ("profile.has_cpbw", False)]
    for ref, answers in [("minimal", example("minimal")), ("full", full), *((ref, changed(full, ref, new)) for ref, new in edits),
                         ("minimal again", example("minimal"))]:
        doc, reads = build_with_reads(schema, answers, META)
        note = NoteBox((Run(doc.labels["placeholder_note"]),))
        for element in schema.elements:
            without = {section.anchor: section for section in blanked_build(schema, answers, element.key, "nl").sections}
            expected = {section.anchor for section in doc.sections
                        if [b for b in section.blocks if b != note] != [b for b in without[section.anchor].blocks if b != note]}
            found, blanked[element.key] = sections_changed_by(schema, doc, reads, element.key, META, earlier=blanked.get(element.key))
            assert found == expected, (ref, element.key)
