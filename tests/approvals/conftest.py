"""An organisation with a drafter, two approvers and a submitted protocol; another organisation beside it."""
from __future__ import annotations

import pytest

from policybuilder.extensions import db
from policybuilder.models import ProtocolVersion

from ..forms import read_form


@pytest.fixture
def approver(make_user, org) -> int:
    return make_user("dir@delinde.be", ("approver",), org, name="Mieke Janssens")


@pytest.fixture
def approver_client(client_for, approver):
    return client_for(approver)


@pytest.fixture
def token():
    """The CSRF token of a page, read as a browser would."""

    def read(client, url: str) -> str:
        return dict(read_form(client.get(url).get_data(as_text=True)))["csrf_token"]

    return read


@pytest.fixture
def submitted(app, client, make_protocol, token):
    """A protocol with version 1 submitted by the drafter; returns the protocol id."""
    protocol_id = make_protocol(answers={"learning": {"training": "Jaarlijkse vorming voor alle teams."}})
    response = client.post(f"/protocols/{protocol_id}/submit", data={"csrf_token": token(client, f"/protocols/{protocol_id}/review")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return protocol_id


@pytest.fixture
def decide(approver_client, submit):
    """Return a callable that approves (or returns) a version through its page, as the approver."""

    def post(protocol_id: int, number: int, action: str = "approve", changes: dict | None = None, as_client=None):
        fields = {"name": "Mieke Janssens", "function": "Algemeen directeur", **(changes or {})}
        if action == "return":
            fields.setdefault("comment", "Vul de contactpersonen aan.")
        browser = as_client or approver_client
        page_url = f"/protocols/{protocol_id}/versions/{number}"
        page = browser.get(page_url).get_data(as_text=True)
        token = dict(read_form(page))["csrf_token"]
        defaults = {"in_force_date": "2027-01-01", "next_review_date": "2028-01-01"} if action == "approve" else {}
        return browser.post(f"{page_url}/{action}", data={"csrf_token": token, **defaults, **fields})

    return post


def version_state(app, protocol_id: int, number: int) -> dict:
    """What the database holds for one version, as plain data."""
    with app.app_context():
        version = db.session.query(ProtocolVersion).filter_by(protocol_id=protocol_id, number=number).one()
        return {
            "status": version.status,
            "hash": version.content_hash,
            "answers": version.answers,
            "decisions": [(a.decision, a.name, a.function, a.self_approved) for a in version.approvals],
        }
