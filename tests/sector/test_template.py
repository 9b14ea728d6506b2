"""Templates: parsing and its checks, canonical JSON, starting answers and locked questions."""
from __future__ import annotations

import pytest

from policybuilder.sector import (
    QuestionOverlay,
    TemplateError,
    apply_defaults,
    check_locked,
    extend_schema,
    hidden_refs,
    locked_refs,
    template_from_json,
    template_to_json,
)

from .conftest import FONTS


def problems_of(data, schema) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        template_from_json(data, schema, FONTS)
    return caught.value.problems


def test_parsed_template_holds_the_overlays(template):
    assert template.questions["procedure.aftercare"] == QuestionOverlay("locked", {"nl": "Nazorg volgens de sectorafspraak.", "fr": "Suivi selon l'accord sectoriel."})
    assert template.clauses["procedure"][0].basis == {"kind": "sector", "ref": "Sectorakkoord 2024"}
    assert template.style.font == "Open Sans"
    assert template.style.logo is None


def test_canonical_json_round_trips(template, template_json, schema):
    assert template_to_json(template) == template_json
    assert template_from_json(template_to_json(template), schema, FONTS) == template


def test_json_schema_violation_names_the_field(template_json, schema):
    template_json["questions"]["procedure.first_step"]["state"] = "frozen"
    [problem] = problems_of(template_json, schema)
    assert problem == "questions/procedure.first_step/state: onbekende waarde 'frozen' (kies uit: open, locked, hidden)"


def test_locked_question_needs_a_default(template_json, schema):
    del template_json["questions"]["procedure.aftercare"]["default"]
    [problem] = problems_of(template_json, schema)
    assert problem == "questions/procedure.aftercare/default: ontbreekt"


def test_template_clause_needs_a_legal_basis(template_json, schema):
    del template_json["clauses"]["procedure"][0]["basis"]
    [problem] = problems_of(template_json, schema)
    assert "clauses/procedure/0" in problem and "basis" in problem


def test_every_reference_problem_is_listed(template_json, schema):
    template_json["questions"]["procedure.nope"] = {"state": "open", "default": "x"}
    template_json["questions"]["procedure.report_days"]["default"] = "vijf"
    template_json["clauses"]["procedure"][0]["text"]["nl"] = "Zie {procedure.missing}."
    template_json["clauses"]["nowhere"] = [dict(template_json["clauses"]["procedure"][0], id="other")]
    template_json["contacts"][0]["phone"] = "123"
    template_json["style"]["font"] = "Comic Sans"
    problems = problems_of(template_json, schema)
    expected = [
        "questions/procedure.nope: onbekende vraag",
        "questions/procedure.report_days/default:",
        "clauses/nowhere: onbekend onderdeel",
        "clauses/procedure/sector_rule: onbekende vraag 'procedure.missing'",
        "contacts/0/phone: onbekend veld",
        "style/font: lettertype 'Comic Sans' wordt niet meegeleverd",
    ]
    assert len(problems) == len(expected), problems
    for start, problem in zip(expected, problems):
        assert problem.startswith(start), problem


def test_clause_id_may_not_shadow_the_element(template_json, schema):
    template_json["clauses"]["procedure"][0]["id"] = "intro"
    [problem] = problems_of(template_json, schema)
    assert problem.startswith("clauses/procedure/intro: id 'intro' is al in gebruik")


def test_contacts_must_fit_the_group_size(template_json, schema):
    template_json["contacts"] = [{"name": f"Dienst {n}"} for n in range(4)]  # plus the schema's one row: 5 > 4
    [problem] = problems_of(template_json, schema)
    assert problem == "contacts: te veel elementen (5, max 4)"


def test_contacts_target_must_be_a_group(template_json, schema):
    template_json["contacts_target"] = "external_support.edpb_contact"
    assert problems_of(template_json, schema) == ["contacts_target: 'external_support.edpb_contact' is geen groepsvraag"]


def test_locked_and_hidden_refs(template):
    assert locked_refs(template) == {"procedure.aftercare"}
    assert hidden_refs(template) == {"procedure.report_days"}


def test_apply_defaults_starts_a_member_from_the_template(template, schema):
    answers = {"profile": {"name": "VZW De Linde"}}
    started = apply_defaults(template, answers, schema)
    assert answers == {"profile": {"name": "VZW De Linde"}}  # not changed in place
    assert started["procedure"] == {
        "first_step": "Meld het aan de teamcoach.",
        "aftercare": "Nazorg volgens de sectorafspraak.",
        "report_days": 5,
    }
    assert started["external_support"]["support_list"] == [
        {"name": "1712", "reach": "telefoon 1712"},
        {"name": "Sectorhulplijn", "reach": "0800 00 000"},
    ]


def test_apply_defaults_in_french_for_answers_written_in_french(template, schema):
    started = apply_defaults(template, {"profile": {"document_language": "fr"}}, schema)
    assert started["procedure"]["first_step"] == "Signalez-le au coach d'équipe."
    assert started["external_support"]["support_list"][-1] == {"name": "Ligne d'aide du secteur", "reach": "0800 00 000"}


def test_apply_defaults_keeps_open_answers_but_not_locked_or_hidden_ones(template, schema):
    answers = {"procedure": {"first_step": "Bel de directie.", "aftercare": "Eigen tekst.", "report_days": 9}}
    started = apply_defaults(template, answers, schema)
    assert started["procedure"] == {"first_step": "Bel de directie.", "aftercare": "Nazorg volgens de sectorafspraak.", "report_days": 5}


def test_check_locked_catches_a_crafted_post(template, schema):
    submitted = {"first_step": "Iets anders.", "aftercare": "Gewijzigd door de gebruiker.", "report_days": 30}
    assert check_locked(template, "procedure", submitted, schema) == ["procedure.aftercare", "procedure.report_days"]


def test_check_locked_lets_unchanged_and_absent_locked_values_pass(template, schema):
    assert check_locked(template, "procedure", {"aftercare": "Nazorg volgens de sectorafspraak."}, schema) == []
    assert check_locked(template, "procedure", {"first_step": "Vrij te kiezen."}, schema) == []
    assert check_locked(template, "profile", {"aftercare": "Ander onderdeel."}, schema) == []


def test_extend_schema_appends_template_clauses(template, schema):
    extended = extend_schema(template, schema)
    assert [c.id for c in extended.element("procedure").clauses] == ["intro", "sector_rule"]
    assert extended.element("profile") == schema.element("profile")


def test_extend_schema_makes_the_template_wording_the_default_in_both_languages(template, schema):
    extended = extend_schema(template, schema)
    first_step = extended.question("procedure.first_step")
    assert first_step.default_value("nl") == "Meld het aan de teamcoach." and first_step.default_value("fr") == "Signalez-le au coach d'équipe."
    contacts = extended.question("external_support.support_list")
    assert contacts.default_value("fr") == [{"name": "1712 (en néerlandais)", "reach": "telefoon 1712"},
                                             {"name": "Ligne d'aide du secteur", "reach": "0800 00 000"}]
    assert extended.question("procedure.report_days").default == schema.question("procedure.report_days").default  # no wording


def test_a_package_needs_every_text_in_french(template_json, schema):
    del template_json["clauses"]["procedure"][0]["text"]["fr"]
    template_json["questions"]["procedure.notify_police"]["help"]["fr"] = ""
    template_json["questions"]["procedure.aftercare"]["default"] = "Nazorg volgens de sectorafspraak."
    template_json["questions"]["procedure.first_step"]["default"] = {"nl": "Meld het.", "de": "Melden Sie es."}
    template_json["contacts"][0]["name"] = {"nl": "Sectorhulplijn"}
    with pytest.raises(TemplateError) as caught:
        template_from_json(template_json, schema, FONTS, complete=True)
    assert sorted(caught.value.problems) == sorted([
        "clauses/procedure/0/text/fr: de Franse tekst ontbreekt",
        "questions/procedure.notify_police/help/fr: mag niet leeg zijn",
        "questions/procedure.aftercare/default: de Franse tekst ontbreekt (schrijf {\"nl\": …, \"fr\": …})",
        "questions/procedure.first_step/default: onbekende taal 'de' (toegelaten: nl, fr)",
        "questions/procedure.first_step/default/fr: de Franse tekst ontbreekt",
        "contacts/0/name/fr: de Franse tekst ontbreekt",
    ])


def test_a_version_stored_before_french_is_still_read(template_json, schema):
    """Dutch-only texts (plain Dutch wording) parse without ``complete``; their wording is no default in French."""
    del template_json["clauses"]["procedure"][0]["text"]["fr"]
    template_json["questions"]["procedure.first_step"]["default"] = "Meld het aan de teamcoach."
    template_json["contacts"] = [{"name": "Sectorhulplijn", "reach": "0800 00 000"}]
    template = template_from_json(template_json, schema, FONTS)
    extended = extend_schema(template, schema)
    assert extended.question("procedure.first_step") == schema.question("procedure.first_step")  # the product's default stays
    assert extended.question("external_support.support_list") == schema.question("external_support.support_list")
    assert extended.question("procedure.aftercare").default_value("fr") == "Suivi selon l'accord sectoriel."
    assert apply_defaults(template, {"profile": {"document_language": "fr"}}, schema)["procedure"]["first_step"] == "Meld het aan de teamcoach."
