"""Bad input gets a clear Dutch message or a 404, never a 500, and never loses what was saved."""
from __future__ import annotations

import pytest
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from policybuilder.extensions import db
from policybuilder.models import Protocol

from ..forms import read_form
from .test_steps import SCHEMA, step_url, stored


@pytest.fixture
def saved_profile(app, submit, make_protocol):
    """A protocol whose profile step holds a known text."""
    protocol_id = make_protocol()
    submit(step_url(protocol_id, "profile"), {"sites": "Oorspronkelijke tekst"})
    return protocol_id


def assert_unchanged(app, protocol_id):
    protocol = stored(app, protocol_id)
    assert protocol.answers["profile"]["sites"] == "Oorspronkelijke tekst"
    assert protocol.revision == 2


def test_text_of_100000_characters_is_refused_and_shown_back(app, submit, saved_profile):
    response = submit(step_url(saved_profile, "profile"), {"sites": "a" * 100_000})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Niet bewaard" in page and "2000" in page
    assert "a" * 100_000 in page
    assert_unchanged(app, saved_profile)


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("worker_count", "twaalf", "Ongeldig"),
        ("worker_count", "-5", "tussen 1 en 100000"),
        ("worker_count", "1e999", "Ongeldig"),
        ("sector", "mining", "Ongeldige keuze"),
        ("has_cpbw", "misschien", "Ongeldige keuze"),
        ("staff_languages", ["nl", "klingon"], "ongeldige keuze"),
    ],
)
def test_wrong_types_get_a_dutch_message(app, submit, saved_profile, field, bad, message):
    response = submit(step_url(saved_profile, "profile"), {field: bad})
    assert response.status_code == 422
    assert message.lower() in response.get_data(as_text=True).lower()
    assert_unchanged(app, saved_profile)


def test_impossible_date_gets_a_dutch_message(app, client, submit, make_protocol):
    key, question = next(
        ((e.key, q) for e in SCHEMA.elements for q in e.questions if q.type == "date"), (None, None)
    )
    assert key, "the schema should ask at least one date (the next review date)"
    protocol_id = make_protocol()
    response = submit(step_url(protocol_id, key), {question.id: "2026-02-31"})
    assert response.status_code == 422
    assert "Ongeldige datum" in response.get_data(as_text=True)


def test_a_bad_value_inside_a_table_row_gets_a_dutch_message(app, client, submit, make_protocol):
    key, question, field = next(
        (e.key, q, f) for e in SCHEMA.elements for q in e.questions if q.type == "group"
        for f in q.fields if f.type in ("date", "number")
    )
    protocol_id = make_protocol()
    response = submit(step_url(protocol_id, key), {f"{question.id}-0-{field.id}": "2026-02-31" if field.type == "date" else "twaalf"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ("Ongeldige datum" if field.type == "date" else "Ongeldig geheel getal") in page
    assert "Not a valid" not in page


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "{{ 7*7 }} {% raw %} ${7*7}",
        "Grenzen 🚫 respecteren 💬",
        "שלום עליכם — مرحبا بكم",
    ],
)
def test_text_is_stored_and_shown_exactly_as_typed(app, client, submit, saved_profile, typed):
    response = submit(step_url(saved_profile, "profile"), {"sites": typed})
    assert response.status_code == 302
    assert stored(app, saved_profile).answers["profile"]["sites"] == typed
    page = client.get(step_url(saved_profile, "profile")).get_data(as_text=True)
    assert str(escape(typed)) in page
    if "<" in typed:
        assert typed not in page


def test_control_characters_are_removed_with_a_message(app, submit, saved_profile):
    response = submit(step_url(saved_profile, "profile"), {"sites": "Kerk\x00straat\x07 1\r\nGent\x1b"}, follow=True)
    assert "stuurtekens" in response.get_data(as_text=True)
    assert stored(app, saved_profile).answers["profile"]["sites"] == "Kerkstraat 1\nGent"


@pytest.mark.parametrize(
    "url",
    ["/protocols/999/steps/profile", "/protocols/1/steps/nonsense", "/protocols/999/review", "/protocols/abc/steps/profile"],
)
def test_unknown_protocol_or_step_is_a_dutch_404(client, make_protocol, url):
    make_protocol()
    response = client.get(url)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)


def test_request_larger_than_the_limit_is_refused_in_dutch(app, client, saved_profile):
    response = client.post(step_url(saved_profile, "profile"), data={"sites": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)
    assert_unchanged(app, saved_profile)


def test_expired_form_keeps_the_typed_text(app, submit, saved_profile):
    response = submit(step_url(saved_profile, "profile"), {"sites": "Nieuwe tekst na pauze", "csrf_token": "verlopen"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit formulier was verlopen" in page
    assert "Nieuwe tekst na pauze" in page
    assert_unchanged(app, saved_profile)


def test_stale_revision_shows_both_texts_and_saves_nothing(app, client, submit, saved_profile):
    url = step_url(saved_profile, "profile")
    tab_one = client.get(url).get_data(as_text=True)
    submit(url, {"sites": "Tekst van collega"})
    fields = [(k, v) for k, v in read_form(tab_one) if k != "sites"] + [("sites", "Mijn eigen tekst"), ("nav", "stay")]
    response = client.post(url, data=MultiDict(fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Mijn eigen tekst" in page and "Tekst van collega" in page
    assert stored(app, saved_profile).answers["profile"]["sites"] == "Tekst van collega"
    # The conflict page carries the new revision: saving from it keeps the drafter's text.
    retry = [(k, v) for k, v in read_form(page) if k != "nav"] + [("nav", "stay")]
    assert client.post(url, data=MultiDict(retry)).status_code == 302
    assert stored(app, saved_profile).answers["profile"]["sites"] == "Mijn eigen tekst"


def test_two_saves_from_the_same_revision_only_one_wins(app, make_protocol):
    from policybuilder.models import StaleRevision

    protocol_id = make_protocol()
    with app.app_context():
        first = db.session.get(Protocol, protocol_id)
        first.save_step("profile", {"sites": "A"}, based_on=1)
        db.session.commit()
        with pytest.raises(StaleRevision):
            first.save_step("profile", {"sites": "B"}, based_on=1)
    assert stored(app, protocol_id).answers["profile"]["sites"] == "A"
