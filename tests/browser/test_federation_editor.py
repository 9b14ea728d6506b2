"""The federation editor in a real browser: a section opens, its own save comes back to it, texts in Dutch and French, a code goes into the clause."""
from __future__ import annotations

from playwright.sync_api import expect

from policybuilder.extensions import db
from policybuilder.federation.drafts import new_draft
from policybuilder.models import SectorTemplate

from .test_wizard_journey import log_in


def test_section_save_and_placeholder_pick_list(app, page, live_server, make_org, make_user):
    federation = make_org(name="Federatie Jeugdhulp", sector="youth_care", kind="federation")
    make_user("redactie@federatie.be", ("federation_editor",), federation, name="Redactie")
    with app.app_context():
        row = SectorTemplate(organisation_id=federation, name="Sjabloon", draft=new_draft("Sjabloon", "Federatie Jeugdhulp"))
        db.session.add(row)
        db.session.commit()
        template_id = row.id
    log_in(page, live_server, "redactie@federatie.be")
    page.goto(f"{live_server}/federation/templates/{template_id}/elements/procedure")
    expect(page.locator("#report_to")).to_be_hidden()  # sections start closed
    page.locator("#section-report_to > summary").click()
    page.locator("#report_to").fill("de teamcoach")
    page.locator("#fr-report_to").fill("")
    page.locator("#report_to").press("Enter")  # Enter saves, it never removes a row
    expect(page.locator("#fr-report_to-error")).to_contain_text("Vul ook de Franse tekst in")  # refused at the French field
    expect(page.locator("#report_to")).to_have_value("de teamcoach")  # the Dutch typed is kept
    page.locator("#fr-report_to").fill("le coach d'équipe")
    page.locator("#fr-report_to").press("Enter")
    expect(page.get_by_text("Het concept is bewaard.")).to_be_visible()
    page.locator("#section-report_to > summary").click()
    page.locator("#report_to").fill("de coördinator")
    page.get_by_label("À qui un membre du personnel").fill("le coordinateur")  # the French field carries the French question
    page.locator("#section-report_to").get_by_role("button", name="Opslaan").click()  # the section's own save
    expect(page.locator("#report_to")).to_be_visible()  # back at the same section, open
    expect(page.locator("#report_to")).to_have_value("de coördinator")
    expect(page.locator("#fr-report_to")).to_have_value("le coordinateur")
    expect(page.locator("#section-report_to > summary")).to_contain_text("eigen antwoord")

    page.locator("#clause-text").fill("Meld het aan ")
    page.get_by_label("Antwoord van een lid invoegen").select_option("{profile.management}")
    page.get_by_role("button", name="Invoegen in de tekst").click()
    expect(page.locator("#clause-text")).to_have_value("Meld het aan {profile.management}")
    page.locator("#clause-text_fr").fill("Signalez-le à {profile.management}")
    page.get_by_role("button", name="Bepaling toevoegen").click()
    expect(page.get_by_text("De bepaling is toegevoegd.")).to_be_visible()
    expect(page.locator("#clause-fed_1")).to_contain_text("Signalez-le à {profile.management}")
