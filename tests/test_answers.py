"""Answers: validation against the generated JSON Schema, defaults and conditions."""
from __future__ import annotations

import pytest

from policybuilder.answers import AnswersError, applies, holds, missing, validate_answers, value
from policybuilder.schema import Condition, load_schema


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
