"""An organisation's administrator: users, settings and the audit log; nobody else manages them."""
from __future__ import annotations

import re

from policybuilder.extensions import db
from policybuilder.models import Organisation, User


def test_admin_gives_access_and_the_new_user_can_set_a_password(app, client, org, submit):
    response = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "Jo@DeLinde.be", "roles": ["drafter", "approver"]}, nav=None)
    page = response.get_data(as_text=True)
    assert "Uitnodiging verstuurd naar jo@delinde.be." in page
    assert re.search(r'id="set-password-link">http://localhost/set-password/[\w.-]+<', page)
    with app.app_context():
        user = db.session.query(User).filter_by(email="jo@delinde.be").one()
        assert user.roles(org) == {"drafter", "approver"} and user.password_hash is None


def test_adding_a_member_again_adds_the_roles(app, client, org, submit, make_user):
    colleague = make_user("jo@delinde.be", ("drafter",), org, name="Jo Maes")
    page = submit(f"/organisations/{org}/users", {"name": "Jo", "email": "jo@delinde.be", "roles": ["approver"]}, nav=None).get_data(as_text=True)
    assert "De rollen van Jo Maes zijn bewaard." in page and "set-password-link" not in page
    with app.app_context():
        assert db.session.get(User, colleague).roles(org) == {"drafter", "approver"}


def test_new_link_only_for_members_who_never_had_a_password(app, client, org, submit, make_user, token):
    with_password = make_user("jo@delinde.be", ("drafter",), org, name="Jo Maes")
    without = make_user("els@delinde.be", ("drafter",), org, name="Els Wouters", password=None)
    page = client.get(f"/organisations/{org}/users").get_data(as_text=True)
    assert "Nieuwe link<span class=\"visually-hidden\"> Els Wouters" in page and "Jo Maes</span>" not in page
    csrf_token = token(client, f"/organisations/{org}/users")
    refused = client.post(f"/organisations/{org}/users/{with_password}/link", data={"csrf_token": csrf_token})
    assert refused.status_code == 403 and "/set-password/" not in refused.get_data(as_text=True)
    given = client.post(f"/organisations/{org}/users/{without}/link", data={"csrf_token": csrf_token})
    assert re.search(r'id="set-password-link">http://localhost/set-password/', given.get_data(as_text=True))


def test_invalid_email_is_refused_in_dutch(client, org, submit):
    response = submit(f"/organisations/{org}/users", {"name": "Jo", "email": "geen-adres", "roles": ["drafter"]}, nav=None)
    assert "geen geldig e-mailadres" in response.get_data(as_text=True)


def test_only_admins_manage_users_settings_and_the_log(client_for, make_user, org):
    drafter_only = client_for(make_user("gewoon@delinde.be", ("drafter", "approver"), org))
    for url in (f"/organisations/{org}/users", f"/organisations/{org}/settings", f"/organisations/{org}/audit"):
        assert drafter_only.get(url).status_code == 403, url


def test_settings_allow_self_approval(app, client, org, submit):
    response = submit(f"/organisations/{org}/settings", {"allow_self_approval": "y"}, nav=None)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, org).allow_self_approval is True


def test_audit_log_shows_who_did_what(client, org, submit, make_protocol):
    protocol_id = make_protocol()
    submit(f"/protocols/{protocol_id}/steps/profile", {"sites": "Gent"})
    submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["drafter"]}, nav=None)
    page = client.get(f"/organisations/{org}/audit").get_data(as_text=True)
    assert "An Peeters bewaarde de stap “Organisatieprofiel” van “VZW De Linde”." in page
    assert "An Peeters gaf Jo Maes (jo@delinde.be) toegang als opsteller." in page
    assert "protocol.save" not in page and "user.add" not in page


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would be sent, or refuses like a down server."""

    sent: list = []
    refuse = False

    def __init__(self, host, port, timeout):
        if self.refuse:
            raise ConnectionRefusedError(111, "Connection refused")
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_link_is_mailed_when_a_mail_server_is_configured(app, client, org, submit, monkeypatch):
    app.config.update(MAIL_SERVER="smtp.example.invalid", MAIL_FROM="noreply@delinde.be")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    page = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["drafter"]}, nav=None).get_data(as_text=True)
    assert "De link werd ook gemaild naar jo@delinde.be." in page
    [message] = FakeSMTP.sent
    link = re.search(r'id="set-password-link">([^<]+)<', page).group(1)
    assert message["To"] == "jo@delinde.be" and link in message.get_content()


def test_a_mail_failure_keeps_the_link_on_screen(app, client, org, submit, monkeypatch):
    app.config.update(MAIL_SERVER="smtp.example.invalid")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "refuse", True)
    page = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["drafter"]}, nav=None).get_data(as_text=True)
    assert "kon niet gemaild worden" in page
    assert re.search(r'id="set-password-link">http://localhost/set-password/', page)


def test_admin_changes_roles_and_revokes_access(app, client, client_for, make_user, make_protocol, org, submit):
    colleague = make_user("jo@delinde.be", ("drafter",), org, name="Jo Maes")
    protocol_id = make_protocol()
    assert client_for(colleague).get(f"/protocols/{protocol_id}/review").status_code == 200
    assert submit(f"/organisations/{org}/users/{colleague}", {"roles": ["approver"]}, nav=None).status_code == 302
    with app.app_context():
        assert db.session.get(User, colleague).roles(org) == {"approver"}
    assert client_for(colleague).get(f"/protocols/{protocol_id}/review").status_code == 403
    assert submit(f"/organisations/{org}/users/{colleague}", {"roles": None}, nav=None).status_code == 302
    # Revoking ends the colleague's sessions: back to the login page.
    response = client_for(colleague).get(f"/protocols/{protocol_id}/review")
    assert response.status_code == 302 and "/login" in response.location


def test_the_last_admin_stays(app, client, drafter, org, submit):
    response = submit(f"/organisations/{org}/users/{drafter}", {"roles": ["drafter"]}, nav=None)
    assert "minstens één beheerder" in response.get_data(as_text=True)
    with app.app_context():
        assert "admin" in db.session.get(User, drafter).roles(org)
