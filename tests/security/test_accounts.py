"""Accounts belong to people: an administrator can invite an existing account but never take it over."""
from __future__ import annotations

import re

import pytest

from policybuilder.extensions import db
from policybuilder.models import AuditEvent, MembershipInvitation, User

from ..auth.helpers import csrf, log_in
from ..auth.test_admin import FakeSMTP
from ..conftest import PASSWORD

BERT = "bert.baas@elders.be"


@pytest.fixture
def other_admin(make_org, make_user):
    """Organisation B and its administrator, who has a password; returns (organisation id, user id)."""
    other = make_org(name="VZW Elders", sector="welfare")
    return other, make_user(BERT, ("admin", "drafter", "approver"), other, name="Bert Baas")


def invite_bert(submit, org, roles=("admin",)):
    """A's administrator adds B's administrator's address; returns the page A's administrator sees."""
    response = submit(f"/organisations/{org}/users", {"name": "Wie dan ook", "email": BERT.upper(), "roles": list(roles)}, nav=None)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def password_hash(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_takeover_chain_is_closed(app, client, org, submit, other_admin):
    other, bert = other_admin
    hash_before = password_hash(app, bert)
    page = invite_bert(submit, org)
    # A's administrator learns nothing of the account: no name, no link, the same words as for a new address.
    assert f"Uitnodiging verstuurd naar {BERT}." in page
    assert "Bert Baas" not in page and "set-password-link" not in page and "/set-password/" not in page
    assert "Bert Baas" not in client.get(f"/organisations/{org}/audit").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, bert).roles(org) == set()
    # Until Bert accepts, A cannot even address the account.
    assert client.post(f"/organisations/{org}/users/{bert}/link", data={"csrf_token": csrf(client, f"/organisations/{org}/users")}).status_code == 404

    bert_client = log_in(app, BERT)
    invitations = bert_client.get("/invitations").get_data(as_text=True)
    assert "VZW De Linde" in invitations and "An Peeters nodigt je uit als beheerder" in invitations
    with app.app_context():
        invitation = db.session.query(MembershipInvitation).one()
    response = bert_client.post(f"/invitations/{invitation.id}/accept", data={"csrf_token": csrf(bert_client)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, bert).roles(org) == {"admin"}

    # Now Bert is a member of A too, and still A gets no link to set his password.
    response = client.post(f"/organisations/{org}/users/{bert}/link", data={"csrf_token": csrf(client, f"/organisations/{org}/users")})
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "nooit een wachtwoord had" in page and "/set-password/" not in page
    assert "Nieuwe link<span class=\"visually-hidden\"> Bert Baas" not in client.get(f"/organisations/{org}/users").get_data(as_text=True)
    assert password_hash(app, bert) == hash_before
    assert log_in(app, BERT)  # his own password still works
    # B's audit log shows that its administrator joined another organisation.
    with app.app_context():
        seen_by_b = [(e.action, e.detail.get("organisation")) for e in db.session.query(AuditEvent).filter_by(organisation_id=other)]
    assert ("user.invitation_accepted", "VZW De Linde") in seen_by_b


def test_with_a_mail_server_the_link_goes_to_the_owner_only(app, client, org, submit, other_admin, monkeypatch):
    other, bert = other_admin
    invite_bert(submit, org)
    bert_client = log_in(app, BERT)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    bert_client.post(f"/invitations/{invitation_id}/accept", data={"csrf_token": csrf(bert_client)})
    app.config.update(MAIL_SERVER="smtp.example.invalid")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    response = client.post(f"/organisations/{org}/users/{bert}/link", data={"csrf_token": csrf(client, f"/organisations/{org}/users")},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    [message] = FakeSMTP.sent
    link = re.search(r"http://localhost(/set-password/\S+)", message.get_content()).group(1)
    assert message["To"] == BERT and link not in page and "alleen wie dat adres leest" in page
    # The owner uses it: his password changes, his other session ends, and B sees it in its own log.
    submit(link, {"password": "een ander lang wachtwoord voor Bert", "confirm": "een ander lang wachtwoord voor Bert"}, nav=None,
           as_client=app.test_client())
    assert bert_client.get("/invitations").status_code == 302
    with app.app_context():
        actions_b = [e.action for e in db.session.query(AuditEvent).filter_by(organisation_id=other)]
        actions_a = [e.action for e in db.session.query(AuditEvent).filter_by(organisation_id=org)]
    assert "user.password_set" in actions_b and "user.password_set" in actions_a


def test_new_address_still_gets_an_account_and_a_link(app, client, org, submit):
    page = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["drafter"]}, nav=None).get_data(as_text=True)
    assert "Uitnodiging verstuurd naar jo@delinde.be." in page
    assert re.search(r'id="set-password-link">http://localhost/set-password/', page)


def test_the_invitation_is_answered_once(app, client, org, submit, other_admin):
    invite_bert(submit, org)
    bert_client = log_in(app, BERT)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    token = csrf(bert_client)
    assert bert_client.post(f"/invitations/{invitation_id}/accept", data={"csrf_token": token}).status_code == 302
    for answer in ("accept", "decline"):
        again = bert_client.post(f"/invitations/{invitation_id}/{answer}", data={"csrf_token": token})
        assert again.status_code == 409
        assert "Deze uitnodiging werd intussen al aanvaard." in again.get_data(as_text=True)


def test_declining_gives_no_access(app, client, org, submit, other_admin):
    _, bert = other_admin
    invite_bert(submit, org)
    bert_client = log_in(app, BERT)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    response = bert_client.post(f"/invitations/{invitation_id}/decline", data={"csrf_token": csrf(bert_client)}, follow_redirects=True)
    assert "Je weigerde de uitnodiging van VZW De Linde." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, bert).roles(org) == set()
    assert bert_client.get(f"/organisations/{org}/users").status_code == 404


def test_a_withdrawn_invitation_cannot_be_accepted(app, client, org, submit, other_admin):
    invite_bert(submit, org)
    bert_client = log_in(app, BERT)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    users_page = client.get(f"/organisations/{org}/users").get_data(as_text=True)
    assert BERT in users_page and "Openstaande uitnodigingen" in users_page and "Bert Baas" not in users_page
    withdrawn = client.post(f"/organisations/{org}/invitations/{invitation_id}/withdraw", data={"csrf_token": csrf(client, f"/organisations/{org}/users")})
    assert withdrawn.status_code == 302
    response = bert_client.post(f"/invitations/{invitation_id}/accept", data={"csrf_token": csrf(bert_client)})
    assert response.status_code == 409 and "ingetrokken" in response.get_data(as_text=True)


def test_only_the_account_holder_answers(app, client, org, submit, other_admin, make_user):
    invite_bert(submit, org)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    make_user("iemand@elders.be", ("drafter",), other_admin[0])
    someone = log_in(app, "iemand@elders.be")
    for answer in ("accept", "decline"):
        assert someone.post(f"/invitations/{invitation_id}/{answer}", data={"csrf_token": csrf(someone)}).status_code == 404
    # Nor can A's administrator accept on Bert's behalf.
    assert client.post(f"/invitations/{invitation_id}/accept", data={"csrf_token": csrf(client)}).status_code == 404


def test_roles_and_revocation_are_seen_by_every_organisation_of_the_account(app, client, org, submit, other_admin):
    other, bert = other_admin
    invite_bert(submit, org, roles=("drafter",))
    bert_client = log_in(app, BERT)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    bert_client.post(f"/invitations/{invitation_id}/accept", data={"csrf_token": csrf(bert_client)})
    assert submit(f"/organisations/{org}/users/{bert}", {"roles": None}, nav=None).status_code == 302
    with app.app_context():
        seen_by_b = {(e.action, e.detail.get("organisation")) for e in db.session.query(AuditEvent).filter_by(organisation_id=other)}
    assert {("user.invitation_accepted", "VZW De Linde"), ("user.roles", "VZW De Linde")} <= seen_by_b
    assert log_in(app, BERT).get(f"/organisations/{other}/audit").status_code == 200


def test_the_audit_log_names_the_invited_address_not_the_person(app, client, org, submit, other_admin):
    invite_bert(submit, org)
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    client.post(f"/organisations/{org}/invitations/{invitation_id}/withdraw", data={"csrf_token": csrf(client, f"/organisations/{org}/users")})
    page = client.get(f"/organisations/{org}/audit").get_data(as_text=True)
    assert f"An Peeters nodigde {BERT} uit als beheerder." in page
    assert f"An Peeters trok de uitnodiging voor {BERT} in." in page
    assert "Bert Baas" not in page


def test_every_page_header_counts_the_invitations_waiting_for_the_person(app, client, org, submit, other_admin):
    bert_client = log_in(app, BERT)
    assert "Uitnodigingen (" not in bert_client.get("/").get_data(as_text=True)
    invite_bert(submit, org)
    assert '<a href="/invitations">Uitnodigingen (1)</a>' in bert_client.get("/").get_data(as_text=True)
    assert "Uitnodigingen (" not in client.get("/").get_data(as_text=True)  # the inviter's own header: none for them
    with app.app_context():
        invitation_id = db.session.query(MembershipInvitation).one().id
    assert bert_client.post(f"/invitations/{invitation_id}/accept", data={"csrf_token": csrf(bert_client)}).status_code == 302
    assert "Uitnodigingen (" not in bert_client.get("/").get_data(as_text=True)
