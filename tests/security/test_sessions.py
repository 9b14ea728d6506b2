"""Sessions end for real: logout, a new password and revoked access end every session of the account."""
from __future__ import annotations

import re

from policybuilder.extensions import db
from policybuilder.models import Membership

from ..auth.helpers import csrf, log_in, logged_in
from ..auth.test_admin import FakeSMTP

COLLEAGUE = "jo@delinde.be"


def copy_of(app, client):
    """A second client carrying a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_cookie_copied_before_logout_no_longer_works(app, drafter):
    client = log_in(app, "an.drafter@delinde.be")
    thief = copy_of(app, client)
    assert logged_in(thief)
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert not logged_in(client)


def test_logout_ends_the_sessions_on_other_devices_too(app, drafter):
    laptop, phone = log_in(app, "an.drafter@delinde.be"), log_in(app, "an.drafter@delinde.be")
    laptop.post("/logout", data={"csrf_token": csrf(laptop)})
    assert not logged_in(phone)
    assert logged_in(log_in(app, "an.drafter@delinde.be"))  # logging in again works


def test_a_password_reset_ends_every_other_session(app, client, org, submit, make_user, monkeypatch):
    colleague = make_user(COLLEAGUE, ("drafter",), org, name="Jo Maes")
    laptop, phone = log_in(app, COLLEAGUE), log_in(app, COLLEAGUE)
    # Jo forgot the password: the admin has the reset link mailed to Jo (never shown to the admin).
    app.config.update(MAIL_SERVER="smtp.example.invalid")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    client.post(f"/organisations/{org}/users/{colleague}/link", data={"csrf_token": csrf(client, f"/organisations/{org}/users")})
    path = re.search(r"http://localhost(/set-password/\S+)", FakeSMTP.sent[0].get_content()).group(1)
    new_password = "het wachtwoord dat alleen Jo kent"
    assert submit(path, {"password": new_password, "confirm": new_password}, nav=None, as_client=laptop).status_code == 302
    assert logged_in(laptop) and not logged_in(phone)
    assert logged_in(log_in(app, COLLEAGUE, new_password))


def test_revoking_access_ends_the_sessions(app, client, org, submit, make_user, make_org):
    elsewhere = make_org(name="VZW Elders", sector="welfare")
    colleague = make_user(COLLEAGUE, ("drafter",), org, name="Jo Maes")
    with app.app_context():  # Jo also works for another organisation: the account itself stays
        db.session.add(Membership(user_id=colleague, organisation_id=elsewhere, role="drafter"))
        db.session.commit()
    jo = log_in(app, COLLEAGUE)
    assert submit(f"/organisations/{org}/users/{colleague}", {"roles": None}, nav=None).status_code == 302
    assert not logged_in(jo)
    again = log_in(app, COLLEAGUE)
    assert again.get(f"/organisations/{org}/users").status_code == 404 and logged_in(again)


def test_the_session_id_carries_the_session_version(app, drafter):
    client = log_in(app, "an.drafter@delinde.be")
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{drafter}:0"
    with client.session_transaction() as session:
        session["_user_id"] = f"{drafter}:1"  # a forged or future version does not load either
    assert not logged_in(client)
