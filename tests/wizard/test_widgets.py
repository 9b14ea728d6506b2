"""The step page's controls, written in Python (policybuilder/wizard/widgets.py): what the drafter typed comes back
escaped in every kind of control, choices stay chosen, errors are tied to their fields, and the markup is the one
WTForms' own widgets write."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policybuilder.schema import ELEMENT_ORDER
from policybuilder.schema_store import get_schema
from policybuilder.wizard.forms import ensure_one_row, to_form_data
from policybuilder.wizard.widgets import control

from .test_steps import step_url

HOSTILE = '<script>alert("x")</script> {{ 7*7 }} & \'q\''
SHORT = '<b>"{{ 7*7 }}"</b> & \'q\''  # short enough for a one-line input
EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "full.json").read_text(encoding="utf-8"))


class Tags(HTMLParser):
    """Every start tag of a page as (tag, attributes), and the text inside each element with an id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("input", "br", "img", "link", "meta", "wbr"):
            self._open.append(dict(attrs).get("id"))

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in filter(None, self._open):
            self.text[element_id] = self.text.get(element_id, "") + data

    def by_id(self, element_id: str) -> tuple[str, dict]:
        return next((tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id)

    def named(self, name: str) -> list[dict]:
        return [attrs for tag, attrs in self.tags if attrs.get("name") == name]


def page(response) -> Tags:
    return Tags(response.get_data(as_text=True))


@pytest.fixture
def hostile(make_protocol):
    """A protocol with the hostile text in a one-line answer, a long one-line answer, a text area and a group row."""
    answers = {
        "profile": {"name": "VZW De Linde", "sector": "youth_care", "management": SHORT,
                    "external_service": HOSTILE + " en nog wat meer tekst", "sites": HOSTILE + "\nKerkstraat 1"},
        "contacts": {"internal_contacts": [{"role": HOSTILE, "name": "An", "phone": "09 123 45 67"}]},
        "external_support": {"support_list": [{"name": HOSTILE, "purpose": HOSTILE, "last_checked": "2026-01-02"}]},
    }
    return make_protocol(answers=answers)


def test_typed_text_comes_back_escaped_in_every_kind_of_control(client, hostile):
    profile = client.get(step_url(hostile, "profile")).get_data(as_text=True)
    assert "<script>alert" not in profile and "<b>" not in profile and "{{ 7*7 }}" in profile
    tags = Tags(profile)
    assert tags.by_id("management")[0] == "input" and tags.by_id("management")[1]["value"] == SHORT
    assert tags.by_id("external_service")[0] == "textarea"  # long: wrapped so that nothing is hidden
    assert tags.text["external_service"] == "\n" + HOSTILE + " en nog wat meer tekst"
    assert tags.by_id("sites")[0] == "textarea" and tags.text["sites"] == "\r\n" + HOSTILE + "\nKerkstraat 1"
    contacts = page(client.get(step_url(hostile, "contacts")))
    assert contacts.by_id("internal_contacts-0-role")[0] == "textarea"
    assert contacts.text["internal_contacts-0-role"] == "\n" + HOSTILE
    support = page(client.get(step_url(hostile, "external_support")))
    assert support.by_id("support_list-0-name")[0] == "textarea" and support.text["support_list-0-purpose"].endswith(HOSTILE)
    assert support.by_id("support_list-0-last_checked")[1] == {"id": "support_list-0-last_checked", "type": "date",
                                                                "name": "support_list-0-last_checked", "value": "2026-01-02",
                                                                "aria-required": "true"}


def test_a_refused_number_and_date_come_back_escaped_and_marked(client, submit, hostile):
    response = submit(step_url(hostile, "profile"), {"worker_count": HOSTILE})
    assert response.status_code == 422
    assert "<script>alert" not in response.get_data(as_text=True)
    tags = page(response)
    tag, attrs = tags.by_id("worker_count")
    assert tag == "input" and attrs["value"] == HOSTILE and attrs["type"] == "number" and attrs["inputmode"] == "numeric"
    assert attrs["aria-invalid"] == "true" and attrs["aria-required"] == "true"
    assert attrs["aria-describedby"] == "worker_count-help worker_count-error"
    assert tags.text["worker_count-help"].strip() and "Ongeldig" in tags.text["worker_count-error"]
    response = submit(step_url(hostile, "monitoring"), {"next_review": HOSTILE})
    assert response.status_code == 422
    attrs = page(response).by_id("next_review")[1]
    assert attrs["value"] == HOSTILE and attrs["type"] == "date" and attrs["aria-invalid"] == "true"
    assert "next_review-error" in attrs["aria-describedby"].split()


def test_choices_stay_chosen_when_shown_and_when_a_save_is_refused(client, submit, make_protocol):
    protocol_id = make_protocol(answers={"profile": {"name": "VZW De Linde", "sector": "welfare", "has_cpbw": False,
                                                      "staff_languages": ["nl", "fr"]}})
    tags = page(client.get(step_url(protocol_id, "profile")))
    checked = {(attrs["name"], attrs["value"]) for tag, attrs in tags.tags if tag == "input" and "checked" in attrs}
    assert {("sector", "welfare"), ("has_cpbw", "no"), ("staff_languages", "nl"), ("staff_languages", "fr")} <= checked
    radio = next(attrs for tag, attrs in tags.tags if attrs.get("name") == "sector" and attrs.get("value") == "welfare")
    assert radio["type"] == "radio" and tags.text.get(radio["id"]) is None  # its label points at it
    assert any(tag == "label" and attrs.get("for") == radio["id"] for tag, attrs in tags.tags)
    response = submit(step_url(protocol_id, "profile"), {"worker_count": "veel", "has_cpbw": "yes", "staff_languages": ["fr"]})
    assert response.status_code == 422
    tags = page(response)
    assert {attrs["value"] for attrs in tags.named("has_cpbw") if "checked" in attrs} == {"yes"}
    assert {attrs["value"] for attrs in tags.named("staff_languages") if "checked" in attrs} == {"fr"}


def test_an_error_in_a_group_row_is_tied_to_its_field(client, submit, make_protocol):
    protocol_id = make_protocol()
    response = submit(step_url(protocol_id, "contacts"), {"internal_contacts-0-phone": "9" * 5000})
    assert response.status_code == 422
    tags = page(response)
    attrs = tags.by_id("internal_contacts-0-phone")[1]
    assert attrs["aria-invalid"] == "true" and attrs["aria-describedby"] == "internal_contacts-0-phone-error"
    assert tags.text["internal_contacts-0-phone-error"].strip()
    html = response.get_data(as_text=True)
    assert '<div class="field has-error wide"><label for="internal_contacts-0-phone">' in html
    assert 'value="remove:internal_contacts:0">Rij 1 verwijderen</button>' in html


def test_the_french_interface_words_of_a_row_are_french(app, client, make_protocol, drafter):
    from policybuilder.extensions import db
    from policybuilder.models import User

    with app.app_context():
        db.session.get(User, drafter).locale = "fr"
        db.session.commit()
    protocol_id = make_protocol(answers={"contacts": {"internal_contacts": [{"role": "Coördinator"}]}})
    html = client.get(step_url(protocol_id, "contacts")).get_data(as_text=True)
    assert "<legend>Ligne 1</legend>" in html and ">Supprimer la ligne 1</button>" in html
    assert "(verplicht)" not in html


def wtforms_markup(field, required: bool, locked: bool) -> str:
    """What the templates wrote with WTForms' widgets before the controls were written in Python (the oracle)."""
    if field.type in ("RadioField", "MultiCheckboxField"):
        return "".join(f"{option(disabled=locked)} {option.label()}" for option in field)
    described = " ".join(part for part in (f"{field.id}-help" if field.description else "",
                                           f"{field.id}-error" if field.errors else "") if part)
    attrs = {"aria-describedby": described or False, "aria-invalid": "true" if field.errors else False,
             "aria-required": "true" if required else False, "disabled": locked}
    typed = str(field.data or "")
    if field.type == "TextAreaField":
        return field(rows=min(max(len(typed) // 60 + typed.count("\n") + 2, 4), 16), **attrs)
    if field.type == "LineField" and len(typed) > 30:
        return None  # the wrapped one-line answer was written by the template itself: checked above
    extra = {"DateField": {"type": "date"}, "IntegerField": {"type": "number", "inputmode": "numeric"}}.get(field.type, {})
    return field(**extra, **attrs)


def controls(tags: Tags) -> list[tuple[str, dict]]:
    return [(tag, attrs) for tag, attrs in tags.tags if tag in ("input", "textarea") or (tag == "label" and "for" in attrs
            and attrs["for"].rsplit("-", 1)[-1].isdigit())]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_every_control_of_every_step_is_what_wtforms_writes(app, lang):
    """Same elements, attributes and values as WTForms' widgets, for every field of every step (locked or not,
    with an error or not), so the page's HTML stays what the tests, the script and assistive technology know."""
    schema_forms = app.extensions["policybuilder.forms"]
    with app.test_request_context():
        schema = get_schema()
        for key in ELEMENT_ORDER:
            element = schema.element(key)
            data = {q.id: to_form_data(q, EXAMPLE.get(key, {}).get(q.id, q.default_value(lang))) for q in element.questions}
            form = schema_forms[(key, lang)](data=data, revision=1)
            ensure_one_row(form, element.questions)
            fields = []
            for question in element.questions:
                if question.type == "group":
                    fields += [(row.form[sub.id], sub.required) for row in form[question.id] for sub in question.fields]
                else:
                    fields.append((form[question.id], question.required))
            for number, (field, required) in enumerate(fields):
                field.errors = ["Fout <b>"] if number % 3 == 0 else []
                for locked in (False, True):
                    expected = wtforms_markup(field, required, locked)
                    if expected is None:
                        continue
                    written = Tags(str(control(field, required, locked)))
                    assert controls(written) == controls(Tags(str(expected))), (key, field.id, locked)
                    if field.errors:
                        assert written.text[f"{field.id}-error"] == "Fout <b> "
