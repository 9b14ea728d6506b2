"""The start page per role, the draft's version label, the audit log in sentences, and starting from what the organisation has."""
from __future__ import annotations

import re

from policybuilder.extensions import db
from policybuilder.models import AuditEvent, Protocol

from ..forms import read_form

PROFILE = {"name": "VZW De Linde", "sector": "youth_care", "worker_count": 40, "external_service": "IDEWE",
           "internal_advisor": "Jan Claes", "sites": "Gent"}
CONTACTS = {"internal_contacts": [{"role": "Leidinggevende", "name": "Els Peeters", "phone": "09 123 45 67"}],
            "has_vertrouwenspersoon": True}


def test_the_approver_sees_what_waits_for_their_approval(approver_client, submitted):
    page = approver_client.get("/").get_data(as_text=True)
    assert "Wacht op jouw goedkeuring" in page
    waiting = page.split("Wacht op jouw goedkeuring")[1].split("</section>")[0]
    assert f'href="/protocols/{submitted}/versions/1"' in waiting and "ingediend door An Peeters" in waiting


def test_the_drafter_is_not_asked_to_approve_their_own_submission(client, make_user, org, submitted):
    make_user("an2@delinde.be", ("approver",), org)  # a second approver exists; the drafter is not one
    assert "Wacht op jouw goedkeuring" not in client.get("/").get_data(as_text=True)


def test_the_dashboard_names_version_and_template_of_each_protocol(client, approver, submitted, decide, make_protocol, publish_template, app):
    decide(submitted, 1)
    version_id = publish_template({"questions": {}})
    other = make_protocol()
    with app.app_context():
        db.session.get(Protocol, other).template_version_id = version_id
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "concept" in rows[0] and "Sjabloon jeugdhulp, versie 1" in rows[0]
    assert "versie 1" in rows[1] and "Goedgekeurd" in rows[1] and "begonnen op" in rows[1]


def test_a_newer_template_version_is_announced_to_the_drafter(client, make_protocol, publish_template, app):
    first = publish_template({"questions": {}})
    protocol_id = make_protocol()
    with app.app_context():
        db.session.get(Protocol, protocol_id).template_version_id = first
        db.session.commit()
    assert "Nieuwe sjabloonversie" not in client.get("/").get_data(as_text=True)
    publish_template({"questions": {}, "release_notes": "Nieuw."}, number=2)
    page = client.get("/").get_data(as_text=True)
    assert "Nieuwe sjabloonversie" in page and f'href="/protocols/{protocol_id}/template-update"' in page
    step = client.get(f"/protocols/{protocol_id}/steps/learning").get_data(as_text=True)
    assert "publiceerde versie 2 van het sjabloon" in step and f'href="/protocols/{protocol_id}/template-update"' in step


def test_the_draft_is_labelled_concept_not_by_its_save_count(client, make_protocol, submit):
    protocol_id = make_protocol()
    for training in ("Eerste tekst.", "Tweede tekst.", "Derde tekst."):
        submit(f"/protocols/{protocol_id}/steps/learning", {"training": training})
    html = client.get(f"/protocols/{protocol_id}/preview").get_data(as_text=True)
    assert "concept" in html and "concept 4" not in html and "concept 3" not in html


def test_the_audit_log_speaks_dutch_sentences(client, org, approver, submitted, decide, app):
    decide(submitted, 1)
    with app.app_context():
        db.session.add(AuditEvent(organisation_id=org, action="session.revoked_elsewhere", object_type="Protocol", object_id=submitted))
        db.session.commit()
    page = client.get(f"/organisations/{org}/audit").get_data(as_text=True)
    assert "Mieke Janssens keurde versie 1 van “VZW De Linde” goed." in page
    assert "An Peeters diende versie 1 van “VZW De Linde” in ter goedkeuring." in page
    assert "Iemand voerde een actie uit (session.revoked_elsewhere) op VZW De Linde." in page
    assert "version.approve" not in page and "ProtocolVersion" not in page


def test_every_action_code_in_the_code_base_has_its_own_sentence():
    from pathlib import Path

    from policybuilder.audit_log import SENTENCES, VARIANTS

    package = Path(__file__).resolve().parents[2] / "policybuilder"
    calls = [line for path in package.rglob("*.py") for line in path.read_text(encoding="utf-8").splitlines()
             if re.search(r"(record|record_about_account|_store)\(", line) and "def " not in line]
    codes = {match for line in calls for match in re.findall(r'"([a-z_]+\.[a-z_]+)"', line)}
    assert len(codes) > 20 and codes <= set(SENTENCES) | set(VARIANTS), sorted(codes - set(SENTENCES) - set(VARIANTS))


def new_protocol(client, changes: dict):
    """Post the new-protocol page as shown, with ``changes``."""
    fields = dict(read_form(client.get("/protocols/new").get_data(as_text=True)))
    return client.post("/protocols/new", data={**fields, **changes})


def test_a_second_protocol_copies_profile_and_contacts(client, make_protocol, app):
    first = make_protocol(answers={"profile": PROFILE, "contacts": CONTACTS, "learning": {"training": "Eigen vorming."}})
    page = client.get("/protocols/new").get_data(as_text=True)
    assert "Het profiel en de contactpersonen van “VZW De Linde”" in page
    response = new_protocol(client, {"name": "VZW De Linde – afdeling Oost"})
    assert response.status_code == 302
    with app.app_context():
        created = db.session.query(Protocol).filter(Protocol.id != first).one()
        assert created.answers["profile"] == {**PROFILE, "name": "VZW De Linde – afdeling Oost"}
        assert created.answers["contacts"] == CONTACTS
        assert "learning" not in created.answers
    log = client.get(f"/organisations/{created.organisation_id}/audit").get_data(as_text=True)
    assert "An Peeters begon het protocol “VZW De Linde – afdeling Oost” met het profiel en de contactpersonen van een bestaand protocol." in log


def test_copying_nothing_starts_empty(client, make_protocol, app):
    first = make_protocol(answers={"profile": PROFILE, "contacts": CONTACTS})
    assert new_protocol(client, {"copy_from": "0"}).status_code == 302
    with app.app_context():
        created = db.session.query(Protocol).filter(Protocol.id != first).one()
        assert created.answers == {"profile": {"name": "VZW De Linde", "sector": "youth_care"}}


def test_a_template_start_keeps_fixed_answers_and_takes_the_rest_from_the_latest_protocol(client, make_protocol, publish_template, app):
    version_id = publish_template({"questions": {
        "profile.external_service": {"state": "locked", "default": "Mensura"},
        "profile.sites": {"state": "open", "default": "Brugge"},
    }})
    first = make_protocol(answers={"profile": PROFILE, "contacts": CONTACTS})
    assert new_protocol(client, {"template": str(version_id)}).status_code == 302
    with app.app_context():
        created = db.session.query(Protocol).filter(Protocol.id != first).one()
        profile = created.answers["profile"]
        assert profile["external_service"] == "Mensura"  # locked by the federation
        assert profile["sites"] == "Gent" and profile["internal_advisor"] == "Jan Claes"  # open: the organisation's own
        assert created.answers["contacts"] == CONTACTS


def test_the_profiles_advisors_are_offered_in_the_contacts_step(client, make_protocol):
    protocol_id = make_protocol(answers={"profile": PROFILE})
    form = dict(read_form(client.get(f"/protocols/{protocol_id}/steps/contacts").get_data(as_text=True)))
    rows = {form[k]: k.rsplit("-", 1)[0] for k in form if k.endswith("-role")}
    internal = rows["Interne preventieadviseur"]
    assert form[f"{internal}-name"] == "Jan Claes"
    assert form[f"{rows['Preventieadviseur psychosociale aspecten']}-function"] == "IDEWE"
    saved = make_protocol(answers={"profile": PROFILE, "contacts": CONTACTS})
    form = dict(read_form(client.get(f"/protocols/{saved}/steps/contacts").get_data(as_text=True)))
    assert "Jan Claes" not in form.values()  # a saved table is the drafter's own
