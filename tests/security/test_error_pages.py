"""Error pages: Dutch, with the right status, and never failing themselves after a database error."""
from __future__ import annotations

import html

from policybuilder.approvals import service
from policybuilder.extensions import db
from policybuilder.models import AuditEvent, ProtocolVersion


def test_a_database_error_in_a_view_gives_the_dutch_500_page(app, client, submitted, token, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the app answers, the test runner does not re-raise

    def broken_submit(protocol, user, *_):
        # A second version 1: the database refuses it and the session is left in a failed transaction.
        db.session.add(ProtocolVersion(protocol=protocol, number=1, answers={}, content_hash="x", submitted_by=user))
        db.session.flush()

    monkeypatch.setattr(service, "submit", broken_submit)
    response = client.post(f"/protocols/{submitted}/submit", data={"csrf_token": token(client, "/")})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "Er liep iets mis aan onze kant. Wat eerder bewaard werd, blijft bewaard." in text
    assert "An Peeters" in text  # the full page, with the logged-in user read again from the database
    with app.app_context():
        assert db.session.query(ProtocolVersion).count() == 1


def test_a_form_that_is_not_utf8_gets_its_own_message(app, client, make_protocol):
    protocol_id = make_protocol(answers={"learning": {"training": "Bestaande tekst."}})
    body = "csrf_token=x&training=".encode() + b"Vorming voor \xff\xfe teams"
    response = client.post(f"/protocols/{protocol_id}/steps/learning", data=body, content_type="application/x-www-form-urlencoded")
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "De tekst bevat tekens die geen geldige tekst zijn" in text
    assert "kan hier niet opnieuw getoond worden" in text  # honest: the typed text cannot be shown back
    assert "verlopen" not in text  # not mistaken for an expired form
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="protocol.save").count() == 0


def test_too_many_attempts_ask_to_wait(anon_client, drafter):
    # 10 per minute; up to twice that many, so a minute boundary halfway through cannot hide the limit.
    for _ in range(21):
        response = anon_client.post("/login", data={"email": "x@y.be", "password": "z"})
        if response.status_code == 429:
            break
    text = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Te veel pogingen. Wacht een minuut en probeer dan opnieuw." in text
    assert "Controleer wat je invulde" not in text
    assert 0 < int(response.headers["Retry-After"]) <= 61


def test_when_even_the_error_page_fails_a_plain_dutch_page_answers(app, client, monkeypatch):
    from policybuilder import errors

    def broken(*args, **kwargs):
        raise RuntimeError("template store unreachable")

    monkeypatch.setattr(errors, "render_template", broken)
    response = client.get("/protocols/999999/review")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet (meer)." in response.get_data(as_text=True)
    assert response.get_data(as_text=True).startswith("<!doctype html>")


def test_an_id_beyond_what_the_database_holds_is_not_found_rather_than_an_error(app, client, make_protocol):
    """URL ids are numbers of any length; an id column holds 32 bits on PostgreSQL, 64 on SQLite: a number beyond
    either must be a 404, never a 500 from the database driver."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    make_protocol()
    paths = ["/protocols/{}/steps/contacts", "/protocols/{}/translations", "/organisations/{}/users", "/templates/{}/contacts"]
    for number in (2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30):
        for path in paths:
            assert client.get(path.format(number)).status_code == 404, (path, number)
    response = client.post(f"/protocols/{10**30}/steps/contacts", data={"csrf_token": "x"})
    assert response.status_code == 404
