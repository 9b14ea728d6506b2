"""The federation editor: create a template, edit questions, clauses, contacts and house style, preview it."""
from __future__ import annotations

from sqlalchemy import select

from policybuilder.extensions import db
from policybuilder.models import AuditEvent, SectorTemplate

from ..forms import read_form
from policybuilder.sector import in_language

from .conftest import FEDERATION, SECTOR_CONTACT, png

JINJA_HTML = "Zie {{ 7 * 7 }} en {% raw %}<script>alert('x')</script> <b>vet</b>"


def test_create_template_starts_with_an_empty_draft(editor_client, create_template, draft_of, federation):
    template_id = create_template()
    assert draft_of(template_id) == {"format": 1, "name": "Protocol jeugdhulp", "federation": FEDERATION, "version": 1, "questions": {}}
    page = editor_client.get(f"/federation/{federation}/templates").get_data(as_text=True)
    assert "Protocol jeugdhulp" in page and "nog niet gepubliceerd" in page


def test_a_second_template_with_the_same_name_is_refused(editor_client, create_template, federation, token):
    create_template()
    url = f"/federation/{federation}/templates"
    response = editor_client.post(url, data={"csrf_token": token(editor_client, url), "name": "Protocol jeugdhulp"})
    assert response.status_code == 422
    assert "Er bestaat al een sjabloon met deze naam." in response.get_data(as_text=True)


def test_only_what_differs_from_the_product_is_stored(send, create_template, draft_of, app):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/procedure"
    response = send(page, {
        "report_to": "de teamcoach",
        "fr-report_to": "le coach d'équipe",
        "tpl-report_to-state": "locked",
        "tpl-report_deadline-state": "locked",  # locked with the product's own wording: that wording becomes the default
        "tpl-evidence_location-suggestion": "Bijvoorbeeld: de map Incidenten op de teamschijf.",
        "tpl-evidence_location-suggestion_fr": "Par exemple : le dossier Incidents sur le disque de l'équipe.",
        "tpl-stop_criteria-help": "Overleg met de sector bij twijfel.",
        "tpl-stop_criteria-help_fr": "En cas de doute, concertez-vous avec le secteur.",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    questions = draft_of(template_id)["questions"]
    deadline = app.extensions["policybuilder.schema"].question("procedure.report_deadline")
    assert questions == {
        "procedure.report_to": {"state": "locked", "default": {"nl": "de teamcoach", "fr": "le coach d'équipe"}},
        "procedure.report_deadline": {"state": "locked", "default": {"nl": deadline.default_value("nl"), "fr": deadline.default_value("fr")}},
        "procedure.evidence_location": {"state": "open", "suggestion": {"nl": "Bijvoorbeeld: de map Incidenten op de teamschijf.",
                                                                        "fr": "Par exemple : le dossier Incidents sur le disque de l'équipe."}},
        "procedure.stop_criteria": {"state": "open", "help": {"nl": "Overleg met de sector bij twijfel.", "fr": "En cas de doute, concertez-vous avec le secteur."}},
    }


def test_a_text_without_french_is_not_saved_the_error_is_at_its_field_and_the_text_stays(send, create_template, draft_of):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/procedure"
    response = send(page, {"report_to": "de teamcoach", "fr-report_to": "", "tpl-stop_criteria-help": "Overleg met de sector.",
                           "tpl-report_how-suggestion_fr": "Par téléphone."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Niet bewaard: elke tekst van het sjabloon staat er in het Nederlands en het Frans." in html
    missing = "Vul ook de Franse tekst in: elke tekst van het sjabloon staat er in het Nederlands en het Frans."
    assert f'<p class="error" id="fr-report_to-error">{missing} </p>' in html
    assert f'<p class="error" id="tpl-stop_criteria-help_fr-error">{missing} </p>' in html
    assert '<p class="error" id="tpl-report_how-suggestion-error">Vul ook de Nederlandse tekst in. </p>' in html
    typed = dict(read_form(html))  # nothing typed is lost
    assert typed["report_to"] == "de teamcoach" and typed["tpl-stop_criteria-help"] == "Overleg met de sector."
    assert typed["tpl-report_how-suggestion_fr"] == "Par téléphone."
    assert draft_of(template_id)["questions"] == {}
    assert send(page, {**typed, "fr-report_to": "le coach d'équipe", "tpl-stop_criteria-help_fr": "Concertez-vous avec le secteur.",
                       "tpl-report_how-suggestion": "Telefonisch."}).status_code == 302
    assert draft_of(template_id)["questions"]["procedure.report_to"]["default"] == {"nl": "de teamcoach", "fr": "le coach d'équipe"}


def test_the_element_page_shows_the_stored_settings(send, editor_client, create_template):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/procedure"
    send(page, {"report_to": "de teamcoach", "tpl-report_to-state": "hidden"})
    html = editor_client.get(page).get_data(as_text=True)
    shown = dict(read_form(html))
    assert shown["report_to"] == "de teamcoach" and shown["tpl-report_to-state"] == "hidden"
    assert shown["tpl-report_deadline-state"] == "open"


def test_a_fixed_question_needs_an_answer(send, create_template, draft_of):
    template_id = create_template()
    response = send(f"/federation/templates/{template_id}/elements/profile", {"worker_count": "", "tpl-worker_count-state": "locked"})
    assert response.status_code == 422
    assert "een vergrendelde of verborgen vraag gebruikt dit antwoord" in response.get_data(as_text=True)
    assert draft_of(template_id)["questions"] == {}


def test_clause_text_is_data_everywhere(send, editor_client, create_template, draft_of):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/reactions"
    response = send(page, {"clause-text": JINJA_HTML, "clause-text_fr": JINJA_HTML, "clause-heading": "<i>Sector</i>",
                           "clause-heading_fr": "<i>Secteur</i>", "clause-basis": "law", "clause-reference": "Decreet 2024, art. 3"}, to=f"{page}/clauses")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert draft_of(template_id)["clauses"] == {"reactions": [{
        "id": "fed_1", "kind": "paragraph", "heading": {"nl": "<i>Sector</i>", "fr": "<i>Secteur</i>"}, "text": {"nl": JINJA_HTML, "fr": JINJA_HTML},
        "basis": {"kind": "law", "ref": "Decreet 2024, art. 3"},
    }]}
    for url in (page, f"/federation/templates/{template_id}/preview"):
        html = editor_client.get(url).get_data(as_text=True)
        assert "{{ 7 * 7 }}" in html and "{% raw %}" in html and "49" not in html.split("Zie", 1)[1][:40]
        assert "&lt;script&gt;alert(" in html and "<script>alert" not in html
        assert "&lt;b&gt;vet&lt;/b&gt;" in html and "&lt;i&gt;Sector&lt;/i&gt;" in html


def test_remove_a_clause(send, editor_client, create_template, draft_of):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/learning"
    send(page, {"clause-text": "Eerste.", "clause-text_fr": "Premier.", "clause-basis": "sector"}, to=f"{page}/clauses")
    send(page, {"clause-text": "Tweede.", "clause-text_fr": "Deuxième.", "clause-basis": "good_practice"}, to=f"{page}/clauses")
    assert [c["id"] for c in draft_of(template_id)["clauses"]["learning"]] == ["fed_1", "fed_2"]
    response = send(page, to=f"{page}/clauses/fed_1/remove", nav=None)
    assert response.status_code == 302
    assert [c["text"]["nl"] for c in draft_of(template_id)["clauses"]["learning"]] == ["Tweede."]


def test_a_clause_naming_an_unknown_question_is_refused_with_the_reason(send, create_template, draft_of):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/learning"
    response = send(page, {"clause-text": "Meld het aan {procedure.bestaat_niet}.", "clause-text_fr": "Signalez-le à {procedure.bestaat_niet}.",
                           "clause-basis": "sector"}, to=f"{page}/clauses")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Niet bewaard: het sjabloon zou zo niet kloppen." in html and "onbekende vraag &#39;procedure.bestaat_niet&#39;" in html
    assert 'Meld het aan {procedure.bestaat_niet}.</textarea>' in html  # the typed text is kept
    assert "clauses" not in draft_of(template_id)


def test_sector_contacts_are_added_and_removed(send, create_template, draft_of, app):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/contacts"
    assert send(page, SECTOR_CONTACT).status_code == 302
    assert send(page, nav="add:support_list").status_code == 302
    draft = draft_of(template_id)
    assert draft["contacts_target"] == "external_support.support_list"
    group = app.extensions["policybuilder.schema"].question("external_support.support_list")
    assert in_language(group, draft["contacts"], "nl") == [{"name": "Sectorhulplijn", "purpose": "Opvang.", "reach": "0800 00 000", "last_checked": "2026-09-01"}]
    french = {f.id: SECTOR_CONTACT[f"fr-support_list-0-{f.id}"] for f in group.fields if f.translatable}
    assert in_language(group, draft["contacts"], "fr") == [{**in_language(group, draft["contacts"], "nl")[0], **french}]
    no_french = send(page, {"fr-support_list-0-purpose": ""})
    assert no_french.status_code == 422 and 'id="fr-support_list-0-purpose-error"' in no_french.get_data(as_text=True)
    incomplete = send(page, {"support_list-0-reach": ""})
    assert incomplete.status_code == 422 and "Rij 1: vul ook Hoe bereik je hen? in." in incomplete.get_data(as_text=True)
    assert send(page, nav="remove:support_list:0").status_code == 302
    assert "contacts" not in draft_of(template_id) and "contacts_target" not in draft_of(template_id)


def test_house_style_with_a_real_png(send, editor_client, create_template, draft_of, app):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/style"
    logo = png()
    response = send(page, {"primary_colour": "#12ab34", "font": "Times New Roman", "cover_text": "Met de steun van de federatie",
                           "footer_text": "Sectorsjabloon"}, files={"logo": (logo, "Logo Federatie.PNG")}, nav=None)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert draft_of(template_id)["style"] == {"logo": "logo.png", "primary_colour": "#12AB34", "font": "Times New Roman",
                                              "cover_text": "Met de steun van de federatie", "footer_text": "Sectorsjabloon"}
    with app.app_context():
        assert db.session.get(SectorTemplate, template_id).draft_logo == logo
    assert editor_client.get(f"/federation/templates/{template_id}/logo").data == logo
    preview = editor_client.get(f"/federation/templates/{template_id}/preview").get_data(as_text=True)
    assert "--pb-primary: #12AB34" in preview and "Times New Roman" in preview and "data:image/png;base64," in preview
    assert "Met de steun van de federatie" in preview


def test_a_fake_png_is_refused_with_its_reason(send, create_template, draft_of, app):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/style"
    response = send(page, {"primary_colour": "#12AB34", "font": "Arial"}, files={"logo": (b"\x89PNG\r\n\x1a\nniet echt", "logo.png")}, nav=None)
    assert response.status_code == 422
    assert "logo.png is geen geldige PNG-afbeelding." in response.get_data(as_text=True)
    assert "style" not in draft_of(template_id)
    with app.app_context():
        assert db.session.get(SectorTemplate, template_id).draft_logo is None
    other = send(page, {"font": "Arial"}, files={"logo": (b"GIF89a", "logo.gif")}, nav=None)
    assert other.status_code == 422 and "Kies een PNG- of SVG-bestand." in other.get_data(as_text=True)


def test_preview_shows_locked_text_and_clause(send, editor_client, create_template):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/procedure"
    send(page, {"report_to": "de sectorale vertrouwenscoach", "fr-report_to": "le coach de confiance du secteur", "tpl-report_to-state": "locked"})
    send(page, {"clause-text": "Elke melding gaat ook naar de federatie.", "clause-text_fr": "Chaque signalement est aussi transmis à la fédération.",
                "clause-basis": "sector"}, to=f"{page}/clauses")
    html = editor_client.get(f"/federation/templates/{template_id}/preview").get_data(as_text=True)
    assert "aan de sectorale vertrouwenscoach" in html
    assert "Elke melding gaat ook naar de federatie." in html
    assert "&lt;voorbeeldorganisatie&gt;" in html and "voorbeeld" in html
    french = editor_client.get(f"/federation/templates/{template_id}/preview?lang=fr").get_data(as_text=True)
    assert "le coach de confiance du secteur" in french and "Chaque signalement est aussi transmis à la fédération." in french
    assert "vertrouwenscoach" not in french and 'class="document-preview" lang="fr"' in french


def test_a_stale_form_keeps_the_typed_text(send, editor_client, client_for, make_user, federation, create_template, draft_of):
    template_id = create_template()
    colleague = client_for(make_user("tweede@federatie.be", ("federation_editor",), federation))
    page = f"/federation/templates/{template_id}/elements/learning"
    opened = editor_client.get(page)  # the editor opens the page ...
    assert send(page, {"training": "Tekst van een collega.", "fr-training": "Texte d'une collègue."}, client=colleague).status_code == 302  # ... a colleague saves first
    fields = dict(read_form(opened.get_data(as_text=True)))
    fields.update({"training": "Mijn eigen tekst.", "fr-training": "Mon propre texte.", "nav": "stay"})
    response = editor_client.post(page, data=fields)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "iemand anders bewaarde dit sjabloon intussen" in html and "Mijn eigen tekst.</textarea>" in html
    assert draft_of(template_id)["questions"]["learning.training"]["default"] == {"nl": "Tekst van een collega.", "fr": "Texte d'une collègue."}
    fields = dict(read_form(html))  # saving again from the conflict page stores the editor's text
    fields.update(nav="stay")
    assert editor_client.post(page, data=fields).status_code == 302
    assert draft_of(template_id)["questions"]["learning.training"]["default"] == {"nl": "Mijn eigen tekst.", "fr": "Mon propre texte."}


def test_every_change_is_in_the_audit_log(send, create_template, app, federation):
    template_id = create_template()
    send(f"/federation/templates/{template_id}/elements/learning", {"tpl-training-state": "hidden"})
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.organisation_id == federation).order_by(AuditEvent.id)).all()
    assert actions == ["template.create", "template.questions"]


def test_each_question_is_a_section_with_its_own_save_and_a_sticky_bar(send, editor_client, create_template, app):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/procedure"
    html = editor_client.get(page).get_data(as_text=True)
    questions = app.extensions["policybuilder.schema"].element("procedure").questions
    assert html.count('<details class="question"') == len(questions)
    assert all(f'name="nav" value="section:{q.id}"' in html for q in questions)
    assert 'class="actions save-bar"' in html and "<details class=\"question\" id=\"section-report_to\" open" not in html
    response = send(page, {"report_to": "de teamcoach"}, nav="section:report_to")
    assert response.status_code == 302 and response.headers["Location"].endswith("?open=report_to#section-report_to")
    opened = editor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<details class="question" id="section-report_to" open>' in opened
    assert "eigen antwoord" in opened.split('id="section-report_to"')[1].split("</summary>")[0]


def test_enter_in_a_field_saves_and_removes_no_row(editor_client, create_template):
    html = editor_client.get(f"/federation/templates/{create_template()}/elements/contacts").get_data(as_text=True)
    form = html.split('class="element-editor"')[1]
    first_button = form[form.index("<button"):].split(">", 1)[0]
    assert 'value="stay"' in first_button  # the button Enter presses


def test_every_field_is_explained_in_one_line(editor_client, create_template):
    html = editor_client.get(f"/federation/templates/{create_template()}/elements/learning").get_data(as_text=True)
    assert "“Het product” is policybuilder zelf" in html
    assert "Het antwoord dat je leden vooraf ingevuld krijgen" in html
    assert "anders dan het antwoord hierboven komt hij niet vanzelf in hun protocol" in html
    assert "wordt in het document van elk lid vervangen door zijn antwoord op die vraag" in html


def test_the_placeholder_codes_are_offered_as_a_list_of_questions(send, editor_client, create_template, draft_of, app):
    template_id = create_template()
    page = f"/federation/templates/{template_id}/elements/reactions"
    html = editor_client.get(page).get_data(as_text=True)
    schema = app.extensions["policybuilder.schema"]
    for element in schema.elements:
        for question in element.questions:
            shown = f'<option value="{{{element.key}.{question.id}}}">' in html
            assert shown == (question.type != "group"), (element.key, question.id)
    assert 'src="/static/placeholders.js' in html and 'id="placeholder-insert" hidden' in html
    response = send(page, {"clause-text": "Meld het aan {profile.management}.", "clause-text_fr": "Signalez-le à {profile.management}.",
                           "clause-basis": "sector"}, to=f"{page}/clauses")
    assert response.status_code == 302
    assert draft_of(template_id)["clauses"]["reactions"][0]["text"] == {"nl": "Meld het aan {profile.management}.", "fr": "Signalez-le à {profile.management}."}
