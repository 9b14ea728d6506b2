"""Submit, approve, return: separation of duties and the record it leaves."""
from __future__ import annotations

import html

from policybuilder.canonical import content_hash
from policybuilder.extensions import db
from policybuilder.models import AuditEvent, Organisation, Protocol, ProtocolVersion

from ..forms import submission
from .records import version_state


def test_submit_freezes_the_answers_with_their_hash(app, submitted):
    state = version_state(app, submitted, 1)
    assert state["status"] == "submitted"
    assert state["answers"]["learning"]["training"] == "Jaarlijkse vorming voor alle teams."
    expected = content_hash({"protocol": submitted, "number": 1, "answers": state["answers"], "template_version": None})
    assert state["hash"] == expected


def test_draft_can_be_edited_without_touching_the_submitted_version(app, submitted, submit):
    response = submit(f"/protocols/{submitted}/steps/learning", {"training": "Nieuwe tekst in het concept"})
    assert response.status_code == 302
    assert version_state(app, submitted, 1)["answers"]["learning"]["training"] == "Jaarlijkse vorming voor alle teams."


def test_a_second_submission_waits_for_the_first_decision(client, submitted, submit, token):
    submit(f"/protocols/{submitted}/steps/learning", {"training": "Nieuwe tekst in het concept"})
    response = client.post(f"/protocols/{submitted}/submit", data={"csrf_token": token(client, f"/protocols/{submitted}/review")}, follow_redirects=True)
    assert "wacht nog op een beslissing" in response.get_data(as_text=True)


def test_submitting_the_same_draft_again_says_it_was_already_submitted(app, client, submitted, token):
    response = client.post(f"/protocols/{submitted}/submit", data={"csrf_token": token(client, f"/protocols/{submitted}/review")})
    assert response.status_code == 409
    assert "Dit concept werd intussen al ingediend als versie 1, door An Peeters op " in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.query(ProtocolVersion).count() == 1


def test_a_decision_on_a_decided_version_says_who_decided(app, submitted, decide, make_user, org, client_for):
    assert decide(submitted, 1).status_code == 302
    other = client_for(make_user("voorzitter@delinde.be", ("approver",), org, name="Jan Voorzitter"))
    late = decide(submitted, 1, "return", {"name": "Jan Voorzitter", "comment": "Te vaag."}, as_client=other)
    text = html.unescape(late.get_data(as_text=True))
    assert late.status_code == 409
    assert "Deze versie werd intussen goedgekeurd door Mieke Janssens op " in text
    assert "Te vaag." in text  # the late comment is shown so it is not lost
    assert version_state(app, submitted, 1)["decisions"] == [("approved", "Mieke Janssens", "Algemeen directeur", False)]


def test_the_next_review_must_come_after_the_in_force_date(app, submitted, decide):
    response = decide(submitted, 1, changes={"in_force_date": "2027-03-01", "next_review_date": "2027-02-01"})
    assert response.status_code == 422
    assert "De volgende herziening moet na de datum van inwerkingtreding liggen." in response.get_data(as_text=True)
    assert version_state(app, submitted, 1)["status"] == "submitted"
    assert version_state(app, submitted, 1)["decisions"] == []


def test_approver_approves_and_the_record_says_who_and_when(app, submitted, decide):
    response = decide(submitted, 1, changes={"consultation_note": "Besproken in het CPBW", "consultation_date": "2026-11-20"})
    assert response.status_code == 302
    state = version_state(app, submitted, 1)
    assert state["status"] == "approved"
    assert state["decisions"] == [("approved", "Mieke Janssens", "Algemeen directeur", False)]
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-2:] == ["version.submit", "version.approve"]


def test_the_submitter_cannot_approve_their_own_version(app, client, drafter, make_user, org, submitted, decide):
    with app.app_context():
        from policybuilder.models import Membership

        db.session.add(Membership(user_id=drafter, organisation_id=org, role="approver"))
        db.session.commit()
    response = decide(submitted, 1, as_client=client)
    assert response.status_code == 409
    assert "kan ze niet zelf goedkeuren" in response.get_data(as_text=True)
    assert version_state(app, submitted, 1)["status"] == "submitted"


def test_self_approval_when_the_organisation_allows_it_is_on_record(app, client, drafter, org, submitted, decide):
    with app.app_context():
        from policybuilder.models import Membership

        db.session.add(Membership(user_id=drafter, organisation_id=org, role="approver"))
        db.session.get(Organisation, org).allow_self_approval = True
        db.session.commit()
    assert decide(submitted, 1, as_client=client).status_code == 302
    assert version_state(app, submitted, 1)["decisions"][0][3] is True


def test_a_drafter_cannot_open_approval_actions(app, client, submitted, decide):
    response = decide(submitted, 1, as_client=client)
    assert response.status_code == 403
    assert version_state(app, submitted, 1)["status"] == "submitted"


def test_returned_version_shows_the_comment_to_the_drafter(app, client, submitted, decide):
    assert decide(submitted, 1, "return", {"comment": "Vul de namen van de contactpersonen aan."}).status_code == 302
    assert version_state(app, submitted, 1)["status"] == "returned"
    review = client.get(f"/protocols/{submitted}/review").get_data(as_text=True)
    assert "Vul de namen van de contactpersonen aan." in review


def test_approving_a_new_version_supersedes_the_old_one(app, client, submitted, decide, submit, token):
    decide(submitted, 1)
    submit(f"/protocols/{submitted}/steps/learning", {"training": "Tweejaarlijkse vorming."})
    client.post(f"/protocols/{submitted}/submit", data=submission(client, submitted))
    page = client.get(f"/protocols/{submitted}/versions/2").get_data(as_text=True)
    assert "Wijzigingen sinds de laatst goedgekeurde versie (1)" in page
    assert "<del>Jaarlijkse</del>" in page and "<ins>Tweejaarlijkse</ins>" in page
    decide(submitted, 2)
    assert version_state(app, submitted, 1)["status"] == "superseded"
    assert version_state(app, submitted, 2)["status"] == "approved"


def test_compare_any_two_versions(client, submitted, decide, submit, token):
    decide(submitted, 1, "return")
    submit(f"/protocols/{submitted}/steps/learning", {"training": "Jaarlijkse vorming voor alle nieuwe teams."})
    client.post(f"/protocols/{submitted}/submit", data=submission(client, submitted))
    page = client.get(f"/protocols/{submitted}/compare?from=1&to=2").get_data(as_text=True)
    assert "<ins>nieuwe </ins>" in page or "<ins>nieuwe</ins>" in page
    assert client.get(f"/protocols/{submitted}/compare?from=1&to=9").status_code == 404
    for number in (2**31, 2**63, -(2**63) - 1, 10**30):  # beyond what the column holds: not found, not a 500
        assert client.get(f"/protocols/{submitted}/compare?from=1&to={number}").status_code == 404, number


def test_dashboard_shows_where_each_protocol_stands(app, client, submitted, decide, make_protocol):
    make_protocol(name="Tweede protocol")
    page = client.get("/").get_data(as_text=True)
    assert "Wacht op goedkeuring" in page and "Concept" in page
    decide(submitted, 1, changes={"in_force_date": "2025-12-01", "next_review_date": "2026-12-01"})
    page = client.get("/").get_data(as_text=True)
    assert "Herziening binnen 30 dagen" in page or "Herziening te laat" in page
    with app.app_context():
        assert db.session.get(Protocol, submitted).versions[0].approval.next_review_date.isoformat() == "2026-12-01"


def test_the_approver_reads_the_document_on_the_version_page(approver_client, submitted):
    page = approver_client.get(f"/protocols/{submitted}/versions/1").get_data(as_text=True)
    assert "Het document van versie 1" in page
    assert "Jaarlijkse vorming voor alle teams." in page.split("Het document van versie 1")[1]
