"""Editing without losing anything: Enter's default, undo of a removed row, row limits, autosave, live preview
and the review page that names every missing answer to the field."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from policybuilder.extensions import db
from policybuilder.models import AuditEvent, Protocol

from ..forms import read_form
from .test_steps import ELEMENT_ORDER, step_url, stored

CONTACTS = [
    {"role": "Leidinggevende", "name": "Els Maes", "phone": "09 123 45 67"},
    {"role": "Vertrouwenspersoon", "name": "Jan Peeters", "phone": "09 765 43 21"},
    {"role": "Directie", "name": "Mia Wouters", "phone": "09 111 22 33"},
]


@pytest.fixture
def with_contacts(make_protocol):
    """A protocol whose contacts step holds three known rows."""
    return make_protocol(answers={"contacts": {"internal_contacts": [dict(row) for row in CONTACTS]}})


def undo_fields(page: str) -> dict:
    """What the "Ongedaan maken" button posts."""
    fields = dict(read_form(page))
    return {"csrf_token": fields["csrf_token"], "revision": fields["revision"]}


def form_of(client, url: str) -> list[tuple[str, str]]:
    return read_form(client.get(url).get_data(as_text=True))


def autosave(client, url: str, changes: dict, fields=None, headers=None):
    """Post the step's form to its autosave address, as wizard.js does."""
    fields = [(k, v) for k, v in (fields or form_of(client, url)) if k not in changes] + list(changes.items())
    return client.post(url + "/autosave", data=MultiDict(fields), headers=headers or {"Accept": "application/json"})


@pytest.mark.parametrize("key", ELEMENT_ORDER)
def test_the_first_submit_button_of_every_step_saves_and_stays(client, make_protocol, key):
    """Enter in a field presses the form's first submit button: it must be "save and stay"."""
    protocol_id = make_protocol()
    page = client.get(step_url(protocol_id, key) + "?add=internal_contacts").get_data(as_text=True)
    form = page[page.index('<form method="post" novalidate class="step-form"'):]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first and 'name="nav"' in first and 'value="stay"' in first


def test_a_removed_row_can_be_put_back_in_its_place(app, client, submit, with_contacts):
    url = step_url(with_contacts, "contacts")
    response = submit(url, nav="remove:internal_contacts:1")
    assert response.location.endswith("/steps/contacts#undo-row")  # back where the row was
    page = client.get(response.location).get_data(as_text=True)
    assert re.search(r'<p class="undo[^>]*id="undo-row"[^>]*>Rij 2 verwijderd\.\s*<button type="submit"[^>]*formaction="[^"]*/undo-remove">Ongedaan maken', page)
    assert page.index('id="undo-row"') < page.index('name="internal_contacts-1-name"')
    assert [r["name"] for r in stored(app, with_contacts).answers["contacts"]["internal_contacts"]] == ["Els Maes", "Mia Wouters"]
    response = client.post(url + "/undo-remove", data=undo_fields(page), follow_redirects=True)
    assert "Rij 2 staat weer op haar plaats." in response.get_data(as_text=True)
    rows = stored(app, with_contacts).answers["contacts"]["internal_contacts"]
    assert [r["name"] for r in rows] == ["Els Maes", "Jan Peeters", "Mia Wouters"]
    assert rows[1]["phone"] == "09 765 43 21"


def test_undo_is_refused_once_the_draft_changed(app, client, submit, with_contacts):
    url = step_url(with_contacts, "contacts")
    page = submit(url, nav="remove:internal_contacts:0", follow=True).get_data(as_text=True)
    undo = undo_fields(page)
    submit(url, {"internal_contacts-0-name": "Jan Peeters-Claes"})
    response = client.post(url + "/undo-remove", data=undo, follow_redirects=True)
    assert "De rij kan niet meer teruggezet worden" in response.get_data(as_text=True)
    rows = stored(app, with_contacts).answers["contacts"]["internal_contacts"]
    assert [r["name"] for r in rows] == ["Jan Peeters-Claes", "Mia Wouters"]


def test_adding_a_row_past_the_limit_says_so_in_dutch(client, make_protocol):
    rows = [{"role": f"Rol {n}", "name": f"Naam {n}", "phone": "09"} for n in range(20)]
    protocol_id = make_protocol(answers={"contacts": {"internal_contacts": rows}})
    response = client.get(step_url(protocol_id, "contacts") + "?add=internal_contacts")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Maximaal 20 rijen: er kan geen rij meer bij." in page
    assert 'name="internal_contacts-20-name"' not in page


@pytest.mark.parametrize("count", [21, 10_000])
def test_posting_more_rows_than_allowed_saves_nothing_and_shows_every_row_back(app, client, with_contacts, count):
    url = step_url(with_contacts, "contacts")
    fields = [(k, v) for k, v in form_of(client, url) if not k.startswith("internal_contacts-")]
    for n in range(count):
        fields += [(f"internal_contacts-{n}-role", f"Rol {n}"), (f"internal_contacts-{n}-name", f"Persoon {n}"),
                   (f"internal_contacts-{n}-phone", "09")]
    response = client.post(url, data=MultiDict(fields + [("nav", "stay")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Maximaal 20 rijen; niets bewaard." in page
    assert f"Persoon {count - 1}" in page  # the last typed row is shown back, not dropped
    protocol = stored(app, with_contacts)
    assert protocol.revision == 1 and len(protocol.answers["contacts"]["internal_contacts"]) == 3


def test_autosave_stores_through_the_same_checks_and_answers_json(app, client, make_protocol):
    protocol_id = make_protocol()
    url = step_url(protocol_id, "profile")
    response = autosave(client, url, {"sites": "Autobewaard 1"})
    assert response.status_code == 200 and response.json == {"revision": 2, "complete": False, "state": "onvolledig"}
    assert stored(app, protocol_id).answers["profile"]["sites"] == "Autobewaard 1"

    response = autosave(client, url, {"worker_count": "veel"})
    assert response.status_code == 422
    assert response.json["errors"]["worker_count"] and "Niet bewaard" in response.json["message"]
    assert stored(app, protocol_id).revision == 2


def test_autosave_from_an_old_revision_is_a_conflict_and_overwrites_nothing(app, client, make_protocol):
    protocol_id = make_protocol()
    url = step_url(protocol_id, "profile")
    first_tab = form_of(client, url)
    assert autosave(client, url, {"sites": "Tabblad twee"}).status_code == 200
    response = autosave(client, url, {"sites": "Tabblad een"}, fields=first_tab)
    assert response.status_code == 409 and response.json["conflict"] is True
    assert stored(app, protocol_id).answers["profile"]["sites"] == "Tabblad twee"


def test_autosave_with_an_expired_form_gets_a_fresh_token_and_saves_nothing(app, client, make_protocol):
    protocol_id = make_protocol()
    url = step_url(protocol_id, "profile")
    fields = [(k, "verlopen" if k == "csrf_token" else v) for k, v in form_of(client, url)]
    response = autosave(client, url, {"sites": "Na herstart"}, fields=fields)
    assert response.status_code == 422 and response.json["csrf_token"]
    assert "Dit formulier was verlopen" in response.json["message"]
    assert stored(app, protocol_id).revision == 1
    assert "Dit formulier was verlopen" not in client.get(url).get_data(as_text=True), "no message left for the next page"
    fresh = [(k, response.json["csrf_token"] if k == "csrf_token" else v) for k, v in fields]
    assert autosave(client, url, {"sites": "Na herstart"}, fields=fresh).status_code == 200
    assert stored(app, protocol_id).answers["profile"]["sites"] == "Na herstart"


def test_preview_shows_the_typed_values_and_stores_nothing(app, client, with_contacts):
    url = step_url(with_contacts, "contacts")
    fields = [(k, v) for k, v in form_of(client, url) if k != "internal_contacts-0-name"]
    response = client.post(url + "/preview", data=MultiDict(fields + [("internal_contacts-0-name", "Nieuwe Naam")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nieuwe Naam" in html and 'id="ch-contacts"' in html
    assert 'id="ch-learning"' not in html  # only the part this step produces
    protocol = stored(app, with_contacts)
    assert protocol.revision == 1 and protocol.answers["contacts"]["internal_contacts"][0]["name"] == "Els Maes"


def test_the_step_page_loads_its_part_of_the_document_after_itself(app, client, with_contacts):
    url = step_url(with_contacts, "contacts")
    page = client.get(url).get_data(as_text=True)
    assert "Jan Peeters" not in page[page.index('id="step-preview-body"'):]  # the page does not wait for the document
    assert re.search(r'id="step-preview-body"[^>]*data-src="' + re.escape(url + "/preview") + '"', page)
    preview = client.get(url + "/preview").get_data(as_text=True)
    assert "Jan Peeters" in preview and 'id="ch-contacts"' in preview and 'id="ch-learning"' not in preview
    fields = [(k, v) for k, v in read_form(page) if k != "internal_contacts-0-name"]
    assert client.post(url, data=MultiDict(fields + [("internal_contacts-0-name", "Nieuwe Naam"), ("nav", "stay")])).status_code == 302
    assert "Nieuwe Naam" in client.get(url + "/preview").get_data(as_text=True)  # a new revision, a new preview
    assert stored(app, with_contacts).revision == 2


def test_review_names_each_missing_answer_to_the_field_and_links_to_its_input(client, make_protocol):
    rows = [dict(row) for row in CONTACTS] + [{"role": "Extra vertrouwenspersoon", "name": "Ann Smet", "phone": ""}]
    protocol_id = make_protocol(answers={"contacts": {"internal_contacts": rows}})
    review = client.get(f"/protocols/{protocol_id}/review").get_data(as_text=True)
    link = f"/protocols/{protocol_id}/steps/contacts?check=1#internal_contacts-3-phone"
    assert f'<a href="{link}">Interne contactpersonen, rij 4: Telefoon</a>' in review
    assert f'href="/protocols/{protocol_id}/steps/profile?check=1#worker_count"' in review
    assert f'href="/protocols/{protocol_id}/steps/profile?check=1#has_cpbw-0"' in review

    page = client.get(link.split("#")[0]).get_data(as_text=True)
    field = re.search(r'<input[^>]*id="internal_contacts-3-phone"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "internal_contacts-3-phone-error" in field
    assert 'id="internal_contacts-3-phone-error">Dit antwoord ontbreekt nog.' in page
    assert "Nog in te vullen in deze stap" in page


def test_a_long_one_line_answer_is_shown_whole_and_stays_one_line(app, client, submit, make_protocol):
    protocol_id = make_protocol()
    url = step_url(protocol_id, "procedure")
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<textarea class="one-line" id="report_standin" name="report_standin"', page)
    assert re.search(r"<input[^>]*id=\"report_deadline\"[^>]*type=\"text\"", page)  # short answers stay inputs
    submit(url, {"report_standin": "de vervanger van de leidinggevende\nof de directie"})
    assert stored(app, protocol_id).answers["procedure"]["report_standin"] == "de vervanger van de leidinggevende of de directie"


def test_saving_a_step_without_a_change_makes_no_new_revision(app, client, submit, make_protocol):
    protocol_id = make_protocol()
    url = f"/protocols/{protocol_id}/steps/learning"

    def state():
        with app.app_context():
            protocol = db.session.get(Protocol, protocol_id)
            saves = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "protocol.save"))
            return protocol.revision, saves, protocol.answers

    assert submit(url, nav="next").status_code == 302  # the first save of a step marks it saved: a change
    revision, saves, answers = state()
    assert (revision, saves) == (2, 1)
    stale = form_of(client, url)
    for nav in ("stay", "next", "prev"):  # "Volgende" without an edit, and so on
        assert submit(url, nav=nav).status_code == 302
    assert state() == (revision, saves, answers)
    assert submit(url, {"training": "Elk jaar een vorming."}).status_code == 302
    assert state()[:2] == (revision + 1, saves + 1)
    # The form opened before that change posts the old text: a conflict, as before, not a silent success.
    answer = client.post(url, data=MultiDict([*stale, ("nav", "stay")]))
    assert answer.status_code == 409 and state()[2]["learning"]["training"] == "Elk jaar een vorming."


@pytest.mark.parametrize("revision", ["2147483648", "99999999999999999999999", "-99999999999999999999", "1e3", ""])
def test_a_revision_no_save_can_have_is_a_conflict_and_changes_nothing(app, client, make_protocol, revision):
    """A form's revision beyond what the column holds (or no number) names no state of the draft: 409, as a stale
    form gets, where the database driver failed on it (500)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    protocol_id = make_protocol(answers={"learning": {"training": "Elk jaar een vorming."}})
    url = f"/protocols/{protocol_id}/steps/learning"
    fields = [(k, revision if k == "revision" else v) for k, v in form_of(client, url) if k != "training"]
    response = client.post(url, data=MultiDict([*fields, ("training", "Een andere tekst."), ("nav", "stay")]))
    assert response.status_code == 409
    assert stored(app, protocol_id).answers["learning"]["training"] == "Elk jaar een vorming."
