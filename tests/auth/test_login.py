"""Logging in, the first-run setup, set-password links and the create-user command."""
from __future__ import annotations

import re

from policybuilder.extensions import db
from policybuilder.models import AuditEvent, User

from ..conftest import PASSWORD
from ..forms import read_form


def test_pages_need_a_login(anon_client, drafter):
    response = anon_client.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_login_and_logout(anon_client, submit, drafter):
    response = submit("/login", {"email": "an.drafter@delinde.be", "password": PASSWORD}, nav=None, as_client=anon_client)
    assert response.status_code == 302
    assert "Je protocollen" in anon_client.get("/").get_data(as_text=True)
    token = dict(read_form(anon_client.get("/").get_data(as_text=True)))["csrf_token"]
    assert anon_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert anon_client.get("/").status_code == 302


def test_wrong_email_and_wrong_password_get_the_same_message(app, anon_client, submit, drafter):
    wrong_password = submit("/login", {"email": "an.drafter@delinde.be", "password": "fout"}, nav=None, as_client=anon_client)
    wrong_email = submit("/login", {"email": "niemand@delinde.be", "password": PASSWORD}, nav=None, as_client=anon_client)
    message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert message in wrong_password.get_data(as_text=True) and message in wrong_email.get_data(as_text=True)
    with app.app_context():
        assert [e.action for e in db.session.query(AuditEvent)].count("login.failed") == 2


def test_login_is_rate_limited(anon_client, drafter):
    for _ in range(10):
        anon_client.post("/login", data={"email": "x@y.be", "password": "z"})
    response = anon_client.post("/login", data={"email": "x@y.be", "password": "z"})
    assert response.status_code == 429


def test_login_does_not_redirect_to_another_site(anon_client, submit, drafter):
    response = submit("/login?next=https://evil.example/", {"email": "an.drafter@delinde.be", "password": PASSWORD}, nav=None, as_client=anon_client)
    assert response.location == "/"


def test_fresh_installation_leads_to_setup_then_works(app, anon_client):
    assert anon_client.get("/").location.endswith("/setup")
    token = dict(read_form(anon_client.get("/setup").get_data(as_text=True)))["csrf_token"]
    response = anon_client.post("/setup", data={
        "csrf_token": token, "organisation": "CAW Zuid", "sector": "welfare", "name": "Els Wouters",
        "email": "els@cawzuid.be", "password": PASSWORD, "confirm": PASSWORD,
    })
    assert response.status_code == 302
    assert "CAW Zuid" in anon_client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.query(User).one()
        assert user.roles(user.memberships[0].organisation_id) == {"admin", "drafter", "approver"}
    assert anon_client.get("/setup").status_code == 404


def test_set_password_link_works_once(app, client, org, submit):
    response = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["approver"]}, nav=None)
    link = re.search(r'id="set-password-link">([^<]+)<', response.get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    fresh = app.test_client()
    response = submit(path, {"password": PASSWORD, "confirm": PASSWORD}, nav=None, as_client=fresh)
    assert response.status_code == 302
    assert fresh.get(path).status_code == 404
    assert "werkt niet meer" in fresh.get(path).get_data(as_text=True)


def test_short_password_is_refused(app, client, org, submit):
    response = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["drafter"]}, nav=None)
    path = re.search(r'id="set-password-link">http://localhost([^<]+)<', response.get_data(as_text=True)).group(1)
    response = submit(path, {"password": "kort", "confirm": "kort"}, nav=None, as_client=app.test_client())
    error = re.search(r'id="password-error">([^<]+)<', response.get_data(as_text=True))
    assert response.status_code == 200 and error and "12" in error.group(1)


def test_create_user_command(app, runner):
    result = runner.invoke(args=["create-user", "--admin", "--email", "Dir@Org.be", "--name", "Dir", "--organisation", "VZW Nieuw"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(email="dir@org.be").one()
        assert user.check_password(PASSWORD)
        assert user.roles(user.memberships[0].organisation_id) == {"admin", "drafter", "approver"}
    again = runner.invoke(args=["create-user", "--admin", "--email", "dir@org.be", "--name", "Dir", "--organisation", "X"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 1 and "bestaat al" in again.output


def test_an_unknown_email_costs_a_password_hash_check_too(app, anon_client, submit, drafter, make_user, org, monkeypatch):
    from policybuilder.auth import users

    checked = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda stored, password: checked.append(stored) or real(stored, password))
    make_user("nog.geen.wachtwoord@delinde.be", ("drafter",), org, password=None)
    for email in ("niemand@delinde.be", "nog.geen.wachtwoord@delinde.be", "an.drafter@delinde.be"):
        response = submit("/login", {"email": email, "password": "niet het juiste wachtwoord"}, nav=None, as_client=app.test_client())
        assert response.status_code == 401
    assert len(checked) == 3
    # Unknown or without password, both check against the same kind of hash as a real one.
    assert checked[0] == checked[1] and checked[0].split("$")[0] == checked[2].split("$")[0]


WEAK = ["aaaaaaaaaaaa", "wachtwoord123", "123456789012", "qwertyuiop123", "password1234"]


def test_common_and_repeated_passwords_are_refused_on_the_link(app, client, org, submit):
    response = submit(f"/organisations/{org}/users", {"name": "Jo Maes", "email": "jo@delinde.be", "roles": ["drafter"]}, nav=None)
    path = re.search(r'id="set-password-link">http://localhost([^<]+)<', response.get_data(as_text=True)).group(1)
    for weak in WEAK:
        response = submit(path, {"password": weak, "confirm": weak}, nav=None, as_client=app.test_client())
        error = re.search(r'id="password-error">([^<]+)<', response.get_data(as_text=True))
        assert response.status_code == 200 and error and "te gemakkelijk te raden" in error.group(1), weak
    with app.app_context():
        assert db.session.query(User).filter_by(email="jo@delinde.be").one().password_hash is None


def test_setup_refuses_a_weak_password_and_keeps_the_rest(app, anon_client):
    token = dict(read_form(anon_client.get("/setup").get_data(as_text=True)))["csrf_token"]
    response = anon_client.post("/setup", data={
        "csrf_token": token, "organisation": "CAW Zuid", "sector": "welfare", "name": "Els Wouters",
        "email": "els@cawzuid.be", "password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "te gemakkelijk te raden" in page and 'value="CAW Zuid"' in page
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_create_user_command_refuses_a_weak_password(app, runner):
    result = runner.invoke(args=["create-user", "--admin", "--email", "dir@org.be", "--name", "Dir", "--organisation", "VZW Nieuw"],
                           input="wachtwoord123\nwachtwoord123\n")
    assert result.exit_code == 1 and "te gemakkelijk te raden" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_a_link_used_twice_at_the_same_moment_sets_one_password(app, make_user, org):
    from policybuilder.auth.users import UserError, set_password

    user_id = make_user("jo@delinde.be", ("drafter",), org, password=None)
    with app.test_request_context():
        user = db.session.get(User, user_id)
        was = user.password_hash  # both requests opened the link before either saved
        set_password(user, "het eerste lange wachtwoord", was)
        try:
            set_password(user, "het tweede lange wachtwoord", was)
        except UserError as exc:
            assert "al gebruikt" in str(exc)
        else:
            raise AssertionError("the second use of the link was accepted")
        assert db.session.get(User, user_id).check_password("het eerste lange wachtwoord")


def test_the_operator_prints_a_password_link(app, runner, make_user, org, submit):
    user_id = make_user("jo@delinde.be", ("drafter",), org, name="Jo Maes")
    result = runner.invoke(args=["password-link", "--email", "Jo@DeLinde.be", "--site", "https://beleid.example.be"])
    assert result.exit_code == 0, result.output
    path = re.search(r"https://beleid\.example\.be(/set-password/\S+)", result.output).group(1)
    new_password = "een nieuw wachtwoord voor Jo"
    assert submit(path, {"password": new_password, "confirm": new_password}, nav=None, as_client=app.test_client()).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).check_password(new_password)
    assert runner.invoke(args=["password-link", "--email", "niemand@delinde.be"]).exit_code == 1
