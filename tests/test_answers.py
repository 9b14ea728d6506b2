"""Answers: validation against the generated JSON Schema, defaults and conditions."""
from __future__ import annotations

import pytest

from policybuilder.answers import (
    TRANSLATION_SOURCES_KEY,
    TRANSLATIONS_KEY,
    AnswersError,
    answers_language,
    applies,
    holds,
    localised,
    renumbered_rows,
    rows_followed,
    missing,
    source_hash,
    typed_texts,
    validate_answers,
    value,
)
from policybuilder.schema import Condition, Element, Option, Question, Schema, load_schema


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def test_valid_answers_pass(schema):
    validate_answers(schema, {"profile": {"name": "VZW Test", "worker_count": 12, "has_cpbw": False}})


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"profile": {"worker_count": "twaalf"}}, "profile/worker_count"),
        ({"profile": {"sector": "mining"}}, "profile/sector"),
        ({"profile": {"name": "x" * 201}}, "profile/name"),
        ({"profile": {"unknown": 1}}, "profile/unknown"),
        ({"nonsense": {}}, "nonsense"),
        ([], "(hoofdniveau)"),
        ({"monitoring": {"next_review": "2024-02-30"}}, "monitoring/next_review"),
        ({"profile": {"name": "VZW\x00Test"}}, "profile/name"),
    ],
)
def test_invalid_answers_name_the_field(schema, answers, field):
    with pytest.raises(AnswersError) as caught:
        validate_answers(schema, answers)
    assert str(caught.value).startswith(f"{field}: ")


def test_absent_answer_takes_the_default_and_empty_answer_stays_empty(schema):
    assert value(schema, {}, "profile.sector") == schema.question("profile.sector").default
    assert value(schema, {"profile": {"sector": None}}, "profile.sector") is None


def test_conditions(schema):
    answers = {"profile": {"worker_count": 60, "staff_languages": ["nl", "fr"], "has_cpbw": False}}
    assert holds(schema, answers, Condition("profile.worker_count", "gte", 50))
    assert not holds(schema, answers, Condition("profile.worker_count", "lt", 50))
    assert holds(schema, answers, Condition("profile.staff_languages", "contains", "fr"))
    assert holds(schema, answers, Condition("profile.has_cpbw", "eq", False))
    assert not holds(schema, {}, Condition("profile.worker_count", "gte", 50))
    assert holds(schema, {}, Condition("profile.worker_count", "empty"))
    assert applies(schema, answers, [Condition("profile.worker_count", "gt", 10), Condition("profile.name", "empty")])


def test_missing_lists_required_questions_without_answer_or_default(schema):
    ids = [gap.question.id for gap in missing(schema, {"profile": {"name": "VZW Test"}}, "profile")]
    assert "name" not in ids and "worker_count" in ids
    filled = {"profile": {"name": "X", "worker_count": 5, "has_cpbw": True, "has_union_delegation": False,
                          "external_service": "IDEWE", "internal_advisor": "An Peeters"}}
    assert [g.question.id for g in missing(schema, filled, "profile") if g.question.id in filled["profile"]] == []


def test_missing_names_the_group_rows_that_lack_a_required_field(schema):
    group = next(q for e in schema.elements for q in e.questions if q.type == "group" and any(f.required for f in q.fields))
    element = next(e for e in schema.elements if group in e.questions)
    full = {f.id: "x" for f in group.fields}
    lacking = {**full, next(f.id for f in group.fields if f.required): ""}
    gaps = missing(schema, {element.key: {group.id: [full, lacking, full]}}, element.key)
    assert [(g.question.id, g.rows) for g in gaps if g.question.id == group.id] == [(group.id, (2,))]


# -- the answers' language, defaults in either language, translations ---------------------------------------------

def tiny_schema() -> Schema:
    """One element with a text, a language-neutral text, a number and a group with a translatable and a neutral field."""
    rows = {"nl": [{"role": "Directie", "phone": "02 000 00 00"}], "fr": [{"role": "Direction", "phone": "02 000 00 00"}]}
    questions = (
        Question("note", "text", {"nl": "Noot"}, max_length=20, default={"nl": "binnen 24 uur", "fr": "dans les 24 heures"}),
        Question("name", "text", {"nl": "Naam"}, translate=False),
        Question("count", "number", {"nl": "Aantal"}),
        Question("people", "group", {"nl": "Mensen"}, default=rows, fields=(
            Question("role", "text", {"nl": "Rol"}, max_length=30), Question("phone", "text", {"nl": "Telefoon"}, translate=False),
        )),
    )
    profile = Question("document_language", "choice", {"nl": "Taal"}, default="nl",
                       options=(Option("nl", {"nl": "Nederlands"}), Option("fr", {"nl": "Français"})))
    return Schema((Element("profile", 0, {"nl": "Profiel"}, {}, (profile,), ()), Element("step", 1, {"nl": "Stap"}, {}, questions, ())))


def test_answers_language_is_dutch_unless_french_is_chosen(schema):
    assert answers_language(schema, {}) == "nl"
    assert answers_language(schema, {"profile": {"document_language": "fr"}}) == "fr"
    assert answers_language(schema, {"profile": {"document_language": None}}) == "nl"


def test_an_answer_equal_to_the_default_in_the_answers_language_comes_out_in_the_requested_language():
    tiny = tiny_schema()
    assert value(tiny, {"step": {"note": "  binnen\n24  uur "}}, "step.note", "fr") == "dans les 24 heures"
    french = {"profile": {"document_language": "fr"}, "step": {"note": "dans les 24  heures"}}
    assert value(tiny, french, "step.note", "nl") == "binnen 24 uur"
    assert value(tiny, {"step": {"note": "binnen 48 uur"}}, "step.note", "fr") == "binnen 48 uur"


def test_group_default_rows_per_language_are_copies_and_default_cells_follow_the_language():
    tiny = tiny_schema()
    rows = value(tiny, {}, "step.people", "fr")
    assert rows == [{"role": "Direction", "phone": "02 000 00 00"}]
    rows[0]["role"] = "changed"
    assert value(tiny, {}, "step.people", "fr")[0]["role"] == "Direction"
    typed = {"step": {"people": [{"role": " Directie ", "phone": "02 111 11 11"}, {"role": "Teamcoach", "phone": "03"}]}}
    assert [row["role"] for row in value(tiny, typed, "step.people", "fr")] == ["Direction", "Teamcoach"]


def test_localised_lists_the_typed_texts_still_in_the_answers_language_and_uses_translations():
    tiny = tiny_schema()
    answers = {"step": {"note": "binnen 48 uur", "name": "An Peeters",
                        "people": [{"role": "Directie", "phone": "02"}, {"role": "Teamcoach", "phone": "03"}]}}
    assert localised(tiny, answers, "step.note", "fr") == ("binnen 48 uur", {"step.note": "binnen 48 uur"})
    assert localised(tiny, answers, "step.note", "nl") == ("binnen 48 uur", {})  # the answers' own language
    assert localised(tiny, answers, "step.name", "fr") == ("An Peeters", {})  # translate: false
    rows, foreign = localised(tiny, answers, "step.people", "fr")
    assert [row["role"] for row in rows] == ["Direction", "Teamcoach"] and foreign == {"step.people.1.role": "Teamcoach"}
    answers[TRANSLATIONS_KEY] = {"fr": {"step.note": "dans les 48 heures", "step.people.1.role": "Coach d'équipe"}}
    assert localised(tiny, answers, "step.note", "fr") == ("dans les 48 heures", {})
    rows, foreign = localised(tiny, answers, "step.people", "fr")
    assert rows[1]["role"] == "Coach d'équipe" and foreign == {}


@pytest.mark.parametrize(
    ("translations", "field", "why"),
    [
        ({"fr": {"step.name": "x"}}, "_translations/fr/step.name", "onbekend veld"),  # translate: false
        ({"fr": {"step.count": "x"}}, "_translations/fr/step.count", "onbekend veld"),  # not a text
        ({"fr": {"step.nothing": "x"}}, "_translations/fr/step.nothing", "onbekend veld"),
        ({"fr": {"step.people.0.phone": "x"}}, "_translations/fr/step.people.0.phone", "onbekend veld"),
        ({"de": {"step.note": "x"}}, "_translations/de", "onbekend veld"),
        ({"fr": {"step.note": "x" * 21}}, "_translations/fr/step.note", "te lang (21 tekens, max 20)"),
        ({"fr": {"step.people.0.role": "y" * 31}}, "_translations/fr/step.people.0.role", "te lang (31 tekens, max 30)"),
        ({"fr": {"step.note": "dans\x07les"}}, "_translations/fr/step.note", "bevat een onzichtbaar stuurteken (U+0007)"),
        ({"fr": {"step.note": 3}}, "_translations/fr/step.note", "verwacht tekst"),
    ],
)
def test_validation_refuses_a_translation_that_does_not_fit_and_names_it(translations, field, why):
    answers = {"step": {"note": "binnen 48 uur", "people": [{"role": "Teamcoach"}, {"role": "Directie"}]},
               TRANSLATIONS_KEY: translations}
    with pytest.raises(AnswersError) as caught:
        validate_answers(tiny_schema(), answers)
    assert caught.value.problems[0].startswith(f"{field}: {why}"), caught.value.problems


def test_translations_of_text_answers_and_group_rows_are_valid_as_are_their_source_hashes():
    answers = {"step": {"note": "binnen 48 uur", "people": [{"role": "Teamcoach"}]},
               TRANSLATIONS_KEY: {"fr": {"step.note": "dans les 48 heures", "step.people.0.role": "Coach"}, "nl": {}},
               TRANSLATION_SOURCES_KEY: {"fr": {"step.note": "0123456789abcdef"}}}
    validate_answers(tiny_schema(), answers)
    with pytest.raises(AnswersError, match="_translation_sources/fr/step.note: heeft niet de verwachte vorm"):
        validate_answers(tiny_schema(), {**answers, TRANSLATION_SOURCES_KEY: {"fr": {"step.note": "not a hash"}}})


def test_typed_texts_are_what_the_other_language_needs_a_translation_of_translated_or_not():
    tiny = tiny_schema()
    answers = {"step": {"note": "binnen 48 uur", "name": "An", "people": [{"role": "Directie"}, {"role": "Teamcoach"}]},
               TRANSLATIONS_KEY: {"fr": {"step.note": "dans les 48 heures"}}}
    assert typed_texts(tiny, answers, "fr") == {"step.note": "binnen 48 uur", "step.people.1.role": "Teamcoach"}
    assert typed_texts(tiny, answers, "nl") == {}


def test_a_translation_of_another_text_is_not_used():
    tiny = tiny_schema()
    answers = {"step": {"note": "binnen 48 uur", "people": [{"role": "Teamcoach"}]},
               TRANSLATIONS_KEY: {"fr": {"step.note": "dans les 48 heures", "step.people.0.role": "Coach"}},
               TRANSLATION_SOURCES_KEY: {"fr": {"step.note": source_hash(" binnen 48\nuur"), "step.people.0.role": source_hash("Directeur")}}}
    assert localised(tiny, answers, "step.note", "fr") == ("dans les 48 heures", {})  # the fingerprint fits
    rows, foreign = localised(tiny, answers, "step.people", "fr")  # made for another row's text: not used
    assert rows == [{"role": "Teamcoach"}] and foreign == {"step.people.0.role": "Teamcoach"}


def test_a_translation_of_a_row_that_is_gone_never_blocks_the_save_and_is_dropped_alone():
    answers = {"step": {"note": "binnen 48 uur", "people": [{"role": "Teamcoach"}, {"role": "Directie"}]},
               TRANSLATIONS_KEY: {"fr": {"step.note": "dans les 48 heures", "step.people.1.role": "Direction",
                                         "step.people.2.role": "Coach"}},
               TRANSLATION_SOURCES_KEY: {"fr": {"step.people.2.role": source_hash("Coach")}}}
    stored = validate_answers(tiny_schema(), answers)
    assert stored[TRANSLATIONS_KEY] == {"fr": {"step.note": "dans les 48 heures", "step.people.1.role": "Direction"}}
    assert TRANSLATION_SOURCES_KEY not in stored
    assert stored["step"] == answers["step"]  # the answers themselves are untouched


def test_translations_follow_their_rows_when_a_row_is_removed_or_rows_move():
    tiny = tiny_schema()
    rows = [{"role": "Teamcoach"}, {"role": "Directie"}, {"role": "Onthaal"}]
    answers = {"step": {"people": rows},
               TRANSLATIONS_KEY: {"fr": {f"step.people.{n}.role": french for n, french in enumerate(("Coach", "Direction", "Accueil"))}},
               TRANSLATION_SOURCES_KEY: {"fr": {f"step.people.{n}.role": source_hash(row["role"]) for n, row in enumerate(rows)}}}
    removed = renumbered_rows({**answers, "step": {"people": [rows[0], rows[2]]}}, "step.people", lambda n: {0: 0, 2: 1}.get(n))
    assert localised(tiny, removed, "step.people", "fr") == ([{"role": "Coach"}, {"role": "Accueil"}], {})
    moved = rows_followed(tiny, answers, {**answers, "step": {"people": [rows[2], {"role": "Nieuw"}, rows[0]]}})
    assert moved[TRANSLATIONS_KEY] == {"fr": {"step.people.0.role": "Accueil", "step.people.2.role": "Coach"}}
    assert localised(tiny, moved, "step.people", "fr")[0][0] == {"role": "Accueil"}
