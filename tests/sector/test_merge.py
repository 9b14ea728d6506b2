"""Taking in a new template version: the three-way merge per question, conflicts and the word diff."""
from __future__ import annotations

import pytest

from policybuilder.answers import value as answer_value
from policybuilder.sector import Conflict, MergeError, apply_defaults, extend_schema, merge, resolve, template_from_json

from .conftest import FONTS

OLD_FIRST = "Meld het aan de teamcoach."
NEW_FIRST = "Meld het aan de teamcoach of de directie."
NEW_FIRST_FR = "Signalez-le au coach d'équipe ou à la direction."
MINE = "Meld het aan Jan, de coördinator."


@pytest.fixture
def new_version(schema, template_json):
    """Version 2 with a changed open default, a changed locked text, a new question and an extra contact."""

    def make(**changes):
        data = dict(template_json, version=2, release_notes="Tweede versie.")
        data["questions"] = {**template_json["questions"], **changes.pop("questions", {})}
        data["questions"]["procedure.first_step"] = dict(data["questions"]["procedure.first_step"], default={"nl": NEW_FIRST, "fr": NEW_FIRST_FR})
        data["questions"]["procedure.aftercare"] = {"state": "locked", "default": {"nl": "Nazorg binnen de week.", "fr": "Suivi dans la semaine."}}
        data["questions"]["procedure.notify_police"] = {"state": "open", "default": True}
        data["contacts"] = [*template_json["contacts"], {"name": {"nl": "Nieuwe lijn", "fr": "Nouvelle ligne"}}]
        data.update(changes)
        return template_from_json(data, schema, FONTS)

    return make


def test_nothing_changed_changes_nothing(template, schema):
    answers = apply_defaults(template, {"procedure": {"first_step": MINE}}, schema)
    result = merge(template, template, answers, schema)
    assert (result.taken, result.kept, result.conflicts) == ([], ["procedure.first_step"], [])
    assert result.answers == answers


def test_member_kept_the_old_default_so_the_new_one_is_taken(template, new_version, schema):
    answers = apply_defaults(template, {}, schema)
    result = merge(template, new_version(), answers, schema)
    assert result.answers["procedure"]["first_step"] == NEW_FIRST
    assert result.taken == [
        "external_support.support_list",
        "procedure.aftercare",
        "procedure.first_step",
        "procedure.notify_police",
    ]
    assert result.answers["procedure"]["notify_police"] is True  # a question new in the template
    assert result.answers["external_support"]["support_list"][-1] == {"name": "Nieuwe lijn"}
    assert result.conflicts == [] and result.kept == []
    assert answers["procedure"]["first_step"] == OLD_FIRST  # the input is not changed in place


def test_member_changed_it_and_the_federation_did_not(template, schema, template_json):
    unchanged = template_from_json(dict(template_json, version=2), schema, FONTS)
    answers = apply_defaults(template, {"procedure": {"first_step": MINE}}, schema)
    result = merge(template, unchanged, answers, schema)
    assert result.kept == ["procedure.first_step"]
    assert result.answers["procedure"]["first_step"] == MINE
    assert result.taken == [] and result.conflicts == []


def test_both_changed_gives_a_conflict_holding_the_member_text(template, new_version, schema):
    answers = apply_defaults(template, {"procedure": {"first_step": MINE}}, schema)
    result = merge(template, new_version(), answers, schema)
    assert result.conflicts == [Conflict("procedure.first_step", OLD_FIRST, NEW_FIRST, MINE)]
    assert result.answers["procedure"]["first_step"] == MINE
    assert "procedure.first_step" not in result.taken + result.kept


def test_both_changed_to_the_same_text_is_no_conflict(template, new_version, schema):
    answers = apply_defaults(template, {"procedure": {"first_step": NEW_FIRST}}, schema)
    result = merge(template, new_version(), answers, schema)
    assert result.conflicts == []
    assert "procedure.first_step" not in result.taken + result.kept
    assert result.answers["procedure"]["first_step"] == NEW_FIRST


def test_locked_question_takes_the_new_text_whatever_the_member_had(template, new_version, schema):
    answers = apply_defaults(template, {}, schema)
    answers["procedure"]["aftercare"] = "Door de gebruiker aangepast."
    answers["procedure"]["report_days"] = 12
    result = merge(template, new_version(), answers, schema)
    assert result.answers["procedure"]["aftercare"] == "Nazorg binnen de week."
    assert result.answers["procedure"]["report_days"] == 5  # hidden and unchanged, still enforced
    assert {"procedure.aftercare", "procedure.report_days"} <= set(result.taken)
    assert all(c.ref not in ("procedure.aftercare", "procedure.report_days") for c in result.conflicts)


def test_question_removed_from_the_template(template, schema, template_json):
    dropped = template_from_json(
        dict(template_json, questions={k: v for k, v in template_json["questions"].items() if k != "procedure.first_step"}),
        schema,
        FONTS,
    )
    kept_default = merge(template, dropped, apply_defaults(template, {}, schema), schema)
    assert kept_default.answers["procedure"]["first_step"] == "Meld het aan je leidinggevende."  # the schema's default
    assert "procedure.first_step" in kept_default.taken
    # dropping the default is a change by the federation: with the member's own text, the drafter decides
    own_text = merge(template, dropped, apply_defaults(template, {"procedure": {"first_step": MINE}}, schema), schema)
    assert own_text.answers["procedure"]["first_step"] == MINE
    assert own_text.conflicts == [Conflict("procedure.first_step", OLD_FIRST, "Meld het aan je leidinggevende.", MINE)]


def test_member_answer_to_a_question_the_template_newly_fills_is_a_conflict(template, new_version, schema):
    answers = apply_defaults(template, {"procedure": {"notify_police": False}}, schema)
    result = merge(template, new_version(), answers, schema)
    assert Conflict("procedure.notify_police", None, True, False) in result.conflicts


def test_resolve_applies_the_drafters_choice(template, new_version, schema):
    answers = apply_defaults(template, {"procedure": {"first_step": MINE}}, schema)
    result = merge(template, new_version(), answers, schema)
    resolved = resolve(result, {"procedure.first_step": "Meld het aan Jan of de directie."})
    assert resolved["procedure"]["first_step"] == "Meld het aan Jan of de directie."
    assert resolved["procedure"]["aftercare"] == "Nazorg binnen de week."
    assert result.answers["procedure"]["first_step"] == MINE  # the merge result itself is unchanged


def test_resolve_refuses_open_conflicts_and_stray_choices(template, new_version, schema):
    result = merge(template, new_version(), apply_defaults(template, {"procedure": {"first_step": MINE}}, schema), schema)
    with pytest.raises(MergeError) as caught:
        resolve(result, {"procedure.aftercare": "Eigen nazorg."})
    assert caught.value.problems == [
        "procedure.first_step: kies een tekst voor dit conflict",
        "procedure.aftercare: er is hier geen conflict om op te lossen",
    ]


def test_a_member_taking_an_update_gets_both_languages(template, new_version, schema):
    """The new wording is taken in the answers' language; the French document finds the new version's French for it."""
    new = new_version()
    result = merge(template, new, apply_defaults(template, {}, schema), schema)
    assert result.answers["procedure"]["first_step"] == NEW_FIRST
    extended = extend_schema(new, schema)
    assert answer_value(extended, result.answers, "procedure.first_step", "fr") == NEW_FIRST_FR
    assert answer_value(extended, result.answers, "external_support.support_list", "fr")[-1] == {"name": "Nouvelle ligne"}


def test_a_member_writing_in_french_takes_the_update_in_french(template, new_version, schema):
    answers = apply_defaults(template, {"profile": {"document_language": "fr"}}, schema)
    assert answers["procedure"]["first_step"] == "Signalez-le au coach d'équipe."
    result = merge(template, new_version(), answers, schema)
    assert result.answers["procedure"]["first_step"] == NEW_FIRST_FR and "procedure.first_step" in result.taken
    assert answer_value(extend_schema(new_version(), schema), result.answers, "procedure.first_step", "nl") == NEW_FIRST
