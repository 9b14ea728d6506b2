"""Every guidance point of the source text is carried by a question or a clause that exists."""
from __future__ import annotations

import copy

import jsonschema
import pytest

from policybuilder.schema import SCHEMA_DIR, ELEMENT_ORDER, load_json_schema, load_schema, read_yaml

TRACE_FILE = SCHEMA_DIR / "traceability.yaml"

# The source's guidance, point by point (source/handelen-bij-een-incident.txt).
REQUIRED_POINTS = {
    "worker": {
        "worker-talk-to-client",
        "worker-report",
        "worker-seek-support",
        "worker-document",
        "worker-police",
        "worker-self-care",
    },
    "colleague": {
        "colleague-listen",
        "colleague-support-reporting",
        "colleague-follow-up",
        "colleague-no-interaction",
        "colleague-signal",
    },
    "team": {
        "team-assess",
        "team-risk-a",
        "team-risk-b",
        "team-risk-c",
        "team-risk-d",
        "team-support",
        "team-complaint-evidence",
        "team-reflect",
        "team-keep-following",
    },
    "organisation": {f"org-{key.replace('_', '-')}" for key in ELEMENT_ORDER if key != "profile"} | {"org-acts-itself"},
}


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.fixture(scope="module")
def trace():
    return read_yaml(TRACE_FILE)


@pytest.fixture(scope="module")
def trace_schema():
    return load_json_schema("traceability.schema.json")


def known_ids(schema) -> set[str]:
    """Every "element.id" that names a question or a clause."""
    ids = set()
    for element in schema.elements:
        ids.update(f"{element.key}.{q.id}" for q in element.questions)
        ids.update(f"{element.key}.{c.id}" for c in element.clauses)
    return ids


def problems(trace: dict, schema) -> list[str]:
    """What is wrong with the traceability data beyond its JSON Schema."""
    found = []
    ids = known_ids(schema)
    seen = set()
    for point in trace["points"]:
        if point["id"] in seen:
            found.append(f"{point['id']}: duplicate id")
        seen.add(point["id"])
        if not point.get("carried_by"):
            found.append(f"{point['id']}: carried_by is empty")
        for ref in point.get("carried_by") or []:
            if ref not in ids:
                found.append(f"{point['id']}: {ref} is not a question or clause")
    return found


def test_file_matches_its_json_schema(trace, trace_schema):
    jsonschema.Draft202012Validator.check_schema(trace_schema)
    errors = sorted(jsonschema.Draft202012Validator(trace_schema).iter_errors(trace), key=str)
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def test_every_point_is_carried_by_existing_questions_or_clauses(trace, schema):
    assert problems(trace, schema) == []


def test_all_source_points_are_there(trace):
    by_level: dict[str, set[str]] = {}
    for point in trace["points"]:
        by_level.setdefault(point["level"], set()).add(point["id"])
    for level, required in REQUIRED_POINTS.items():
        missing = required - by_level.get(level, set())
        assert not missing, f"{level}: missing {sorted(missing)}"


def test_each_element_point_is_carried_by_its_own_element(trace):
    points = {p["id"]: p for p in trace["points"]}
    for key in ELEMENT_ORDER:
        if key == "profile":
            continue
        point = points[f"org-{key.replace('_', '-')}"]
        assert any(ref.startswith(f"{key}.") for ref in point["carried_by"]), point["id"]


def test_the_four_risk_questions_point_to_the_risk_question_clause(trace, schema):
    points = {p["id"]: p for p in trace["points"]}
    for letter in "abcd":
        assert "procedure.risk_questions" in points[f"team-risk-{letter}"]["carried_by"]
    assert len(schema.element("procedure").clauses[[c.id for c in schema.element("procedure").clauses].index("risk_questions")].items) == 4


def test_empty_carried_by_is_caught(trace, trace_schema, schema):
    broken = copy.deepcopy(trace)
    broken["points"][0]["carried_by"] = []
    assert list(jsonschema.Draft202012Validator(trace_schema).iter_errors(broken))
    assert any("carried_by is empty" in p for p in problems(broken, schema))


def test_unknown_reference_is_caught(trace, schema):
    broken = copy.deepcopy(trace)
    broken["points"][0]["carried_by"] = ["procedure.no_such_clause"]
    assert any("procedure.no_such_clause" in p for p in problems(broken, schema))
