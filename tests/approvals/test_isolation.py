"""Every route that takes an id answers 404 for another organisation's objects."""
from __future__ import annotations

import re

import pytest

from policybuilder import create_app
from policybuilder.extensions import db

PUBLIC = {"static", "auth.login", "auth.setup", "auth.set_password", "approvals.verify", "documents.asset", "web_font"}


def id_routes():
    """(endpoint, rule, method) for every route whose URL names an object."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint not in PUBLIC
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


ROUTES = id_routes()


def test_the_walk_covers_the_object_routes():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert {"wizard.step", "wizard.review", "approvals.version", "approvals.approve", "documents.download", "auth.users"} <= endpoints


@pytest.fixture
def other_org(app, make_org, make_user, client_for, token, publish_template):
    """Another organisation with a submitted protocol; its ids fill the URLs."""
    other = make_org(name="VZW Elders", sector="welfare")
    user = make_user("iemand@elders.be", ("drafter", "approver", "admin"), other)
    outsider = client_for(user)
    from policybuilder.models import Protocol

    with app.app_context():
        protocol = Protocol(organisation_id=other, answers={"profile": {"name": "VZW Elders"}}, saved_steps=[])
        db.session.add(protocol)
        db.session.commit()
        protocol_id = protocol.id
    outsider.post(f"/protocols/{protocol_id}/submit", data={"csrf_token": token(outsider, f"/protocols/{protocol_id}/review")})
    version_id = publish_template({"questions": {}, "clauses": {"learning": [
        {"id": "fed_1", "kind": "paragraph", "text": {"nl": "Sectorafspraak"}, "basis": {"kind": "sector"}}]}})
    with app.app_context():
        from policybuilder.models import TemplateVersion

        template_id = db.session.get(TemplateVersion, version_id).template_id
        from policybuilder.models import MembershipInvitation

        invited = make_user("gast@elders.be", (), None)
        invitation = MembershipInvitation(organisation_id=other, user_id=invited, roles=["drafter"], invited_by_id=user)
        db.session.add(invitation)
        db.session.commit()
        invitation_id = invitation.id
    return {"organisation_id": other, "protocol_id": protocol_id, "number": 1, "user_id": user, "key": "profile",
            "fmt": "pdf", "lang": "nl", "template_id": template_id, "clause_id": "fed_1", "invitation_id": invitation_id}


@pytest.mark.parametrize(("endpoint", "rule", "method"), ROUTES)
def test_another_organisations_ids_give_404(client, other_org, endpoint, rule, method):
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(other_org[m.group(1)]), rule)
    url += "?from=1&to=1" if endpoint == "approvals.compare_versions" else ""
    response = client.open(url, method=method, data={"nav": "stay"})
    assert response.status_code == 404, (endpoint, url, response.status_code)
