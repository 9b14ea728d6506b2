"""The wizard through the test client: start, every step, the review page, persistence."""
from __future__ import annotations

import re

import pytest
from flask import template_rendered

from policybuilder import create_app
from policybuilder.extensions import db
from policybuilder.models import Protocol
from policybuilder.schema import ELEMENT_ORDER, load_schema

SCHEMA = load_schema()
REQUIRED_PROFILE = {
    "worker_count": "64",
    "has_cpbw": "yes",
    "has_union_delegation": "no",
    "external_service": "IDEWE",
    "internal_advisor": "Sofie Claes",
}


def stored(app, protocol_id: int) -> Protocol:
    with app.app_context():
        protocol = db.session.get(Protocol, protocol_id)
        db.session.expunge(protocol)
        return protocol


def step_url(protocol_id: int, key: str) -> str:
    return f"/protocols/{protocol_id}/steps/{key}"


def test_start_page_lists_protocols_and_offers_a_new_one(client, make_protocol):
    assert "Er zijn nog geen protocollen" in client.get("/").get_data(as_text=True)
    make_protocol(name="VZW Zonnebloem")
    page = client.get("/").get_data(as_text=True)
    assert "VZW Zonnebloem" in page and 'href="/protocols/new"' in page


def test_new_protocol_needs_a_name(client, submit):
    response = submit("/protocols/new", {"name": "   ", "sector": "welfare"})
    assert response.status_code == 422
    assert "Dit veld is vereist" in response.get_data(as_text=True)


def test_new_protocol_starts_at_the_profile(app, client, submit):
    response = submit("/protocols/new", {"name": "CAW Oost", "sector": "welfare"})
    assert response.status_code == 302 and response.location.endswith("/steps/profile")
    page = client.get(response.location).get_data(as_text=True)
    assert 'value="CAW Oost"' in page
    assert "Stap 1 van 10" in page


@pytest.mark.parametrize("key", ELEMENT_ORDER)
def test_each_step_shows_guidance_default_wording_and_saves(app, client, submit, make_protocol, key):
    protocol_id = make_protocol()
    element = SCHEMA.element(key)
    page = client.get(step_url(protocol_id, key)).get_data(as_text=True)
    assert f"Stap {ELEMENT_ORDER.index(key) + 1} van 10" in page
    assert "Hulp bij deze stap" in page
    first_paragraph = element.guidance["nl"].strip().split("\n\n")[0]
    assert first_paragraph.split()[0] in page
    textarea = next((q for q in element.questions if q.type == "textarea" and q.default), None)
    if textarea:
        assert textarea.default["nl"].split("\n")[0].strip()[:40] in page.replace("&#34;", '"').replace("&#39;", "'")
    response = submit(step_url(protocol_id, key), nav="next")
    assert response.status_code == 302
    protocol = stored(app, protocol_id)
    assert key in protocol.saved_steps and protocol.revision == 2
    assert set(protocol.answers[key]) == {q.id for q in element.questions}


def test_full_walk_reaches_a_complete_review(app, client, submit, make_protocol):
    protocol_id = make_protocol()
    url = step_url(protocol_id, "profile")
    for key in ELEMENT_ORDER:
        element = SCHEMA.element(key)
        changes = dict(REQUIRED_PROFILE) if key == "profile" else {}
        changes.update(fill_required(element))
        response = submit(step_url(protocol_id, key), changes, nav="next")
        assert response.status_code == 302, (key, response.get_data(as_text=True)[:2000])
        url = response.location
    assert url.endswith(f"/protocols/{protocol_id}/review")
    review = client.get(url).get_data(as_text=True)
    assert "Alle stappen zijn bewaard en alle verplichte antwoorden zijn ingevuld." in review
    assert "Stap 10 van 10" in review


def fill_required(element) -> dict:
    """Form values for every required question of ``element`` that has no default yet."""
    values = {}
    for question in element.questions:
        if question.type == "group":
            for row, defaults in enumerate(question.default_value("nl") or [{}]):
                for field in question.fields:
                    if field.required and not defaults.get(field.id):
                        values[f"{question.id}-{row}-{field.id}"] = sample(field)
        elif not question.required or question.default not in (None, "", []):
            continue
        elif question.id not in REQUIRED_PROFILE:
            values[question.id] = sample(question)
    return values


def sample(question) -> str:
    return {
        "number": str(question.min or 1),
        "date": "2027-01-15",
        "yesno": "yes",
        "choice": question.options[0].value if question.options else "",
        "multichoice": question.options[0].value if question.options else "",
    }.get(question.type, "Voorbeeld")


def test_review_lists_missing_required_answers_with_links(client, make_protocol):
    protocol_id = make_protocol()
    page = client.get(f"/protocols/{protocol_id}/review").get_data(as_text=True)
    assert "Aantal werknemers" in page
    assert f'href="/protocols/{protocol_id}/steps/profile?check=1#worker_count"' in page
    assert "Nog niet bewaard" in page


def test_saving_with_required_fields_empty_keeps_the_text_and_says_what_is_missing(app, submit, make_protocol):
    protocol_id = make_protocol()
    response = submit(step_url(protocol_id, "profile"), {"sites": "Kerkstraat 1, Gent", "worker_count": ""}, follow=True)
    page = response.get_data(as_text=True)
    assert "Je antwoorden zijn bewaard." in page
    assert "Nog in te vullen" in page and "Aantal werknemers" in page
    assert stored(app, protocol_id).answers["profile"]["sites"] == "Kerkstraat 1, Gent"


def test_back_and_next_keep_what_was_typed(client, submit, make_protocol):
    protocol_id = make_protocol()
    submit(step_url(protocol_id, "profile"), {"sites": "Vestiging Aalst"}, nav="next")
    response = submit(step_url(protocol_id, "procedure"), nav="prev")
    assert response.location.endswith("/steps/profile")
    assert "Vestiging Aalst" in client.get(response.location).get_data(as_text=True)


def test_answers_survive_an_app_restart(app, submit, make_protocol, drafter):
    protocol_id = make_protocol()
    submit(step_url(protocol_id, "profile"), {"sites": "Blijft bewaard 123"})
    again = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    client = again.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(drafter)
    page = client.get(step_url(protocol_id, "profile")).get_data(as_text=True)
    with again.app_context():
        db.engine.dispose()  # its own connections (on PostgreSQL they would stay open)
    assert "Blijft bewaard 123" in page


def test_progress_marks_complete_steps(client, submit, make_protocol):
    protocol_id = make_protocol()
    submit(step_url(protocol_id, "profile"), REQUIRED_PROFILE)
    page = client.get(step_url(protocol_id, "procedure")).get_data(as_text=True)
    assert '<li class="complete">' in page
    assert '<span class="state"><span aria-hidden="true">✓</span> volledig</span>' in page
    assert '<span class="state">onvolledig</span>' in page


def test_group_rows_can_be_added_and_removed(app, client, submit, make_protocol):
    key, question = next((e.key, q) for e in SCHEMA.elements for q in e.questions if q.type == "group")
    field = next(f for f in question.fields if f.type in ("text", "textarea"))
    protocol_id = make_protocol()
    response = submit(step_url(protocol_id, key), {f"{question.id}-0-{field.id}": "Eerste rij"}, nav=f"add:{question.id}")
    assert f"add={question.id}" in response.location
    page = client.get(response.location).get_data(as_text=True)
    rows = len(stored(app, protocol_id).answers[key][question.id])
    assert f'name="{question.id}-{rows}-{field.id}"' in page
    response = submit(step_url(protocol_id, key), nav=f"remove:{question.id}:0")
    remaining = stored(app, protocol_id).answers[key][question.id]
    assert len(remaining) == rows - 1
    assert all(row.get(field.id) != "Eerste rij" for row in remaining)


def test_the_step_list_marks_the_step_shown_and_follows_each_save(client, submit, make_protocol):
    protocol_id = make_protocol()

    def nav(key: str) -> str:
        page = client.get(step_url(protocol_id, key)).get_data(as_text=True)
        return re.search(r'<nav class="progress".*?</nav>', page, re.S).group(0)

    def current(html: str) -> list[str]:
        return re.findall(r'href="/protocols/\d+/steps/(\w+)" aria-current="step"', html)

    def state_of(html: str, key: str) -> str:
        return re.search(rf'<li class="([^"]*)">\s*<a href="/protocols/\d+/steps/{key}"', html)[1].replace("current", "").strip()

    assert current(nav("procedure")) == ["procedure"]
    assert current(nav("learning")) == ["learning"]  # the same draft revision, another step shown
    assert state_of(nav("learning"), "learning") != "complete"
    assert submit(step_url(protocol_id, "learning"), nav="stay").status_code == 302  # the defaults, saved: complete
    assert state_of(nav("learning"), "learning") == "complete"
    assert state_of(nav("procedure"), "learning") == "complete" and current(nav("procedure")) == ["procedure"]


def test_the_step_list_is_written_again_only_when_what_it_shows_changes(app, client, submit, make_protocol):
    protocol_id = make_protocol()
    written: list[str] = []

    def record(_sender, template, context, **_extra):
        if template.name == "wizard/_progress.html":
            written.append(context["current"])

    template_rendered.connect(record, app)
    try:
        client.get(step_url(protocol_id, "learning"))
        assert written == ["learning"]
        assert submit(step_url(protocol_id, "learning"), nav="stay").status_code == 302  # saved: learning complete
        client.get(step_url(protocol_id, "learning"))
        assert written == ["learning", "learning"]  # a step's state changed: written again
        assert submit(step_url(protocol_id, "learning"), {"training": "Jaarlijkse vorming."}).status_code == 302
        client.get(step_url(protocol_id, "learning"))
        assert written == ["learning"] * 3  # a typed answer: the translations page is offered now
        assert submit(step_url(protocol_id, "learning"), {"training": "Tweejaarlijkse vorming."}).status_code == 302
        page = client.get(step_url(protocol_id, "learning")).get_data(as_text=True)
        assert "Tweejaarlijkse vorming." in page  # a new revision, everything the list shows as it was
        assert written == ["learning"] * 3
        client.get(step_url(protocol_id, "procedure"))
        assert written == ["learning"] * 3 + ["procedure"]
    finally:
        template_rendered.disconnect(record, app)
