"""An organisation's administrator: users, settings and the audit log; nobody else manages them."""
from __future__ import annotations

import re

from policybuilder.extensions import db
from policybuilder.models import Organisation, User


def test_admin_gives_access_and_the_new_user_can_set_a_password(app, client, org, submit):
    response = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "Jo@DeLinde.be", "roles": ["drafter", "approver"]}, nav=None)
    page = response.get_data(as_text=True)
    assert "Jo Maes heeft nu toegang." in page
    assert re.search(r'id="set-password-link">http://localhost/set-password/[\w.-]+<', page)
    with app.app_context():
        user = db.session.query(User).filter_by(email="jo@delinde.be").one()
        assert user.roles(org) == {"drafter", "approver"} and user.password_hash is None


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
    assert "protocol.save" in page and "user.add" in page and "An Peeters" in page
