"""The schema files: the real ones load, and a broken one stops the app with a precise message."""
from __future__ import annotations

import pytest

from policybuilder import create_app
from policybuilder.schema import ELEMENT_ORDER, SchemaError, load_schema


def test_real_schema_has_the_profile_and_eight_elements_in_order():
    schema = load_schema()
    assert schema.keys == ELEMENT_ORDER
    for element in schema.elements:
        assert element.title["nl"] and element.guidance["nl"].strip()
        assert element.questions, element.key


def test_every_text_question_has_a_length_limit():
    for element in load_schema().elements:
        for question in element.questions:
            for q in (question, *question.fields):
                if q.type in ("text", "textarea"):
                    assert q.max_length, f"{element.key}.{q.id}"


def test_unknown_question_type_names_file_and_field(schema_copy):
    target, edit = schema_copy
    edit("procedure", lambda d: d["questions"][0].update(type="essay"))
    with pytest.raises(SchemaError) as caught:
        load_schema(target)
    assert "elements/procedure.yaml" in str(caught.value)
    assert "questions/0/type" in str(caught.value)


def test_missing_label_names_the_field(schema_copy):
    target, edit = schema_copy
    edit("contacts", lambda d: d["questions"][1].pop("label"))
    with pytest.raises(SchemaError, match=r"elements/contacts.yaml: field questions/1: 'label' is a required property"):
        load_schema(target)


def test_placeholder_to_unknown_question_is_refused(schema_copy):
    target, edit = schema_copy
    edit("learning", lambda d: d["clauses"].append({"id": "extra", "kind": "paragraph", "text": {"nl": "Zie {learning.nope}", "fr": "Voir {learning.nope}"}}))
    with pytest.raises(SchemaError, match=r"elements/learning.yaml: field clauses/extra: unknown question 'learning.nope'"):
        load_schema(target)


def test_text_without_french_is_refused(schema_copy):
    """A clause written in Dutch only cannot be merged: every text needs both languages."""
    target, edit = schema_copy
    edit("learning", lambda d: d["clauses"].append({"id": "extra", "kind": "paragraph", "text": {"nl": "Alleen in het Nederlands."}}))
    with pytest.raises(SchemaError, match=r"elements/learning.yaml: .*'fr' is a required property"):
        load_schema(target)


def test_invalid_yaml_and_missing_file_are_named(schema_copy):
    target, _ = schema_copy
    (target / "elements" / "recovery.yaml").write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"recovery.yaml: is not valid YAML"):
        load_schema(target)
    (target / "elements" / "recovery.yaml").unlink()
    with pytest.raises(SchemaError, match=r"recovery.yaml: cannot be read"):
        load_schema(target)


def test_broken_schema_stops_the_app(schema_copy, tmp_path):
    target, edit = schema_copy
    edit("monitoring", lambda d: d.pop("guidance"))
    with pytest.raises(SchemaError, match="elements/monitoring.yaml"):
        create_app({"SCHEMA_DIR": str(target), "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_placeholder_to_unknown_fact_is_refused(schema_copy):
    target, edit = schema_copy
    edit("learning", lambda d: d["clauses"].append({"id": "extra", "kind": "paragraph", "text": {"nl": "Zie {facts.boss}", "fr": "Voir {facts.boss}"}}))
    with pytest.raises(SchemaError, match=r"elements/learning.yaml: field clauses/extra: unknown fact 'boss'"):
        load_schema(target)


def test_known_facts_in_clauses_and_intros_load(schema_copy):
    target, edit = schema_copy
    edit("learning", lambda d: d.update(intro={"nl": "Wat {facts.management} en {facts.register_keeper} doen.", "fr": "Ce que font {facts.management} et {facts.register_keeper}."}))
    assert load_schema(target).element("learning").intro["nl"].startswith("Wat {facts.management}")
    edit("learning", lambda d: d.update(intro={"nl": "Wat {facts.nobody} doet.", "fr": "Ce que fait {facts.nobody}."}))
    with pytest.raises(SchemaError, match=r"field clauses/intro: unknown fact 'nobody'"):
        load_schema(target)


def test_sector_template_clauses_may_name_facts_but_not_unknown_ones():
    from policybuilder.sector.template import TemplateError, template_from_json

    schema = load_schema()

    def template(wording):
        clause = {"id": "sector_rule", "kind": "paragraph", "text": {"nl": wording}, "basis": {"kind": "sector", "ref": "Sectorakkoord"}}
        return {"format": 1, "name": "Sjabloon", "federation": "Koepel", "version": 1, "questions": {}, "clauses": {"procedure": [clause]}}

    assert template_from_json(template("Meld het aan {facts.report_to}."), schema, ("Liberation Sans",)).clauses
    with pytest.raises(TemplateError, match="facts.baas"):
        template_from_json(template("Meld het aan {facts.baas}."), schema, ("Liberation Sans",))
