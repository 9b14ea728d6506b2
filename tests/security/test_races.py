"""People clicking at the same moment: of N simultaneous requests for one state change exactly one wins,
the others get a Dutch 409 that says what happened, and nothing is recorded twice.

Every test serves the app with werkzeug's threaded server and fires its requests from threads released
together, each with its own logged-in session, for several rounds.
"""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from policybuilder.completion import open_placeholders, with_blanks
from policybuilder.extensions import db
from policybuilder.federation.drafts import new_draft, with_style
from policybuilder.federation.store import FONTS
from policybuilder.models import Approval, AuditEvent, Membership, Protocol, ProtocolVersion, SectorTemplate, TemplateVersion
from policybuilder.schema_store import get_schema
from policybuilder.sector import export_package, template_from_json

from ..forms import read_form

N = 6  # simultaneous requests per burst
ROUNDS = 10


def check_burst(responses, sentence: str) -> None:
    """Exactly one request succeeded (a redirect); every other one is a 409 page with ``sentence``; no 500."""
    assert not [r for r in responses if isinstance(r, Exception)], responses
    statuses = sorted(r.status for r in responses)
    assert statuses == [302] + [409] * (len(responses) - 1), statuses
    for loser in (r for r in responses if r.status == 409):
        text = html.unescape(loser.text)
        assert sentence in text, text
        assert "Iemand anders was je voor" in text


@pytest.fixture
def drafters(make_user, org) -> list[int]:
    return [make_user(f"opsteller{i}@delinde.be", ("drafter",), org, name=f"Opsteller {i}") for i in range(3)]


@pytest.fixture
def approvers(make_user, org) -> list[int]:
    return [make_user(f"directie{i}@delinde.be", ("approver",), org, name=f"Directeur {i}") for i in range(3)]


def decision_forms(page_html: str, values: dict) -> dict[str, dict]:
    """Per decision ("approve", "return"): ``values`` and the CSRF field, under the names that form on the version page uses."""
    forms = {}
    for action, body in re.findall(r'<form[^>]*action="[^"]*/(approve|return)"[^>]*>(.*?)</form>', page_html, re.S):
        names = {name.removeprefix(f"{action}-"): name for name, _ in read_form(f'<form method="post">{body}</form>')}
        forms[action] = {"fields": {names[short]: value for short, value in values[action].items()}, "token_field": names["csrf_token"]}
    return forms


def finished(app, protocol_id: int) -> int:
    """Leave every open [placeholder] of the draft blank on purpose, as the review page asks before submitting."""
    with app.app_context():
        protocol = db.session.get(Protocol, protocol_id)
        refs = [ref for ref, _label in open_placeholders(get_schema(), protocol.answers)]
        protocol.answers = with_blanks(get_schema(), protocol.answers, refs)
        db.session.commit()
    return protocol_id


def sessions(session_for, users: list[int]) -> list:
    """N sessions spread over ``users`` (two tabs of one person are two sessions too)."""
    return [session_for(users[i % len(users)]) for i in range(N)]


def test_simultaneous_submits_make_exactly_one_version(app, make_protocol, drafters, session_for, at_once):
    tabs = sessions(session_for, drafters)
    for round_ in range(ROUNDS):
        protocol_id = finished(app, make_protocol(answers={"learning": {"training": f"Vorming, ronde {round_}"}}))
        review = f"/protocols/{protocol_id}/review"
        responses = at_once([lambda tab=tab: tab.post(f"/protocols/{protocol_id}/submit", {}, review) for tab in tabs])
        check_burst(responses, "Dit concept werd intussen al ingediend als versie 1, door Opsteller")
        with app.app_context():
            versions = db.session.scalars(select(ProtocolVersion).where(ProtocolVersion.protocol_id == protocol_id)).all()
            assert [(v.number, v.status) for v in versions] == [(1, "submitted")]
            assert versions[0].answers["learning"]["training"] == f"Vorming, ronde {round_}"


def test_simultaneous_decisions_record_exactly_one_per_version(app, make_protocol, drafters, approvers, session_for, at_once):
    protocol_id = finished(app, make_protocol())
    drafter = session_for(drafters[0])
    tabs = sessions(session_for, approvers)
    values = {
        "approve": {"name": "Directeur", "function": "Algemeen directeur", "in_force_date": "2027-01-01", "next_review_date": "2028-01-01"},
        "return": {"name": "Directeur", "function": "Algemeen directeur", "comment": "Graag de contactpersonen aanvullen."},
    }
    decisions = None
    for number in range(1, ROUNDS + 1):
        assert drafter.post(f"/protocols/{protocol_id}/submit", {}).status == 302
        page = f"/protocols/{protocol_id}/versions/{number}"
        decisions = decisions or list(decision_forms(tabs[0].get(page).text, values).items())
        responses = at_once([
            lambda tab=tab, i=i: tab.post(f"{page}/{decisions[i % 2][0]}", referrer=page, **decisions[i % 2][1]) for i, tab in enumerate(tabs)
        ])
        check_burst(responses, "Deze versie werd intussen")
        with app.app_context():
            version = db.session.scalar(select(ProtocolVersion).where(ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.number == number))
            assert len(version.approvals) == 1
            assert version.status == {"approved": "approved", "returned": "returned"}[version.approvals[0].decision]
            winner = "goedgekeurd" if version.status == "approved" else "teruggestuurd"
            assert all(f"werd intussen {winner} door Directeur op " in html.unescape(r.text) for r in responses if r.status == 409)
    with app.app_context():
        statuses = [v.status for v in db.session.scalars(select(ProtocolVersion).where(ProtocolVersion.protocol_id == protocol_id).order_by(ProtocolVersion.number))]
        assert db.session.scalar(select(func.count(Approval.id))) == ROUNDS
    assert statuses.count("approved") <= 1
    approved = [n for n, status in enumerate(statuses, 1) if status in ("approved", "superseded")]
    assert all(statuses[n - 1] == "superseded" for n in approved[:-1])  # approving superseded the earlier approval


def test_a_loser_keeps_the_comment_they_typed(app, make_protocol, drafters, approvers, session_for):
    protocol_id = finished(app, make_protocol())
    assert session_for(drafters[0]).post(f"/protocols/{protocol_id}/submit", {}).status == 302
    page = f"/protocols/{protocol_id}/versions/1"
    first, second = session_for(approvers[0]), session_for(approvers[1])
    forms = decision_forms(first.get(page).text, {
        "approve": {"name": "Directeur", "function": "Algemeen directeur", "in_force_date": "2027-01-01", "next_review_date": "2028-01-01"},
        "return": {"name": "Els", "function": "Directeur zorg", "comment": "Hoofdstuk 3 is te vaag."},
    })
    assert first.post(f"{page}/approve", referrer=page, **forms["approve"]).status == 302
    late = second.post(f"{page}/return", referrer=page, **forms["return"])
    text = html.unescape(late.text)
    assert late.status == 409
    assert "Deze versie werd intussen goedgekeurd door Directeur op " in text
    assert "Hoofdstuk 3 is te vaag." in text  # what the late approver typed is shown, not silently dropped
    assert f'href="{page}"' in text  # back to the version as it stands now
    with app.app_context():
        assert [a.decision for a in db.session.scalars(select(Approval))] == ["approved"]


@pytest.fixture
def editors(make_org, make_user) -> tuple[int, list[int]]:
    federation = make_org("Sectorfederatie Jeugd", "youth_care", kind="federation")
    return federation, [make_user(f"redactie{i}@federatie.be", ("federation_editor",), federation, name=f"Redacteur {i}") for i in range(3)]


def test_simultaneous_publishes_make_exactly_one_version(app, editors, session_for, at_once):
    federation, users = editors
    with app.app_context():
        row = SectorTemplate(organisation_id=federation, name="Protocol jeugdhulp", draft=new_draft("Protocol jeugdhulp", "Sectorfederatie Jeugd"))
        db.session.add(row)
        db.session.commit()
        template_id = row.id
    tabs = sessions(session_for, users)
    page = f"/federation/templates/{template_id}"
    for number in range(1, ROUNDS + 1):
        with app.app_context():
            row = db.session.get(SectorTemplate, template_id)
            row.draft, row.revision = with_style(row.draft, cover_text=f"Ronde {number}"), row.revision + 1
            db.session.commit()
            revision = row.revision
        responses = at_once([
            lambda tab=tab: tab.post(f"{page}/publish", {"revision": revision, "release_notes": f"Nieuw in ronde {number}"}, page) for tab in tabs
        ])
        check_burst(responses, f"Dit concept is al gepubliceerd als versie {number}, door Redacteur")
        assert all(f"Nieuw in ronde {number}" in r.text for r in responses if r.status == 409)
        with app.app_context():
            numbers = db.session.scalars(select(TemplateVersion.number).where(TemplateVersion.template_id == template_id)).all()
            assert sorted(numbers) == list(range(1, number + 1))


def test_simultaneous_template_updates_are_taken_once(app, org, drafters, publish_template, session_for, at_once):
    first = publish_template({"questions": {}})
    second = publish_template({"questions": {"learning.training": {"state": "open", "default": "Vorming volgens de federatie."}}}, number=2)
    tabs = sessions(session_for, drafters)
    for _ in range(ROUNDS):
        with app.app_context():
            protocol = Protocol(organisation_id=org, answers={"profile": {"name": "VZW De Linde", "sector": "youth_care"}},
                                saved_steps=[], template_version_id=first)
            db.session.add(protocol)
            db.session.commit()
            protocol_id, revision = protocol.id, protocol.revision
        page = f"/protocols/{protocol_id}/template-update"
        responses = at_once([lambda tab=tab: tab.post(page, {"revision": revision}, page) for tab in tabs])
        check_burst(responses, "Versie 2 van het sjabloon werd intussen al overgenomen door Opsteller")
        with app.app_context():
            protocol = db.session.get(Protocol, protocol_id)
            assert protocol.template_version_id == second
            assert protocol.answers["learning"]["training"] == "Vorming volgens de federatie."
            taken = select(func.count(AuditEvent.id)).where(AuditEvent.action == "protocol.template_update", AuditEvent.object_id == protocol_id)
            assert db.session.scalar(taken) == 1


def test_simultaneous_imports_store_each_version_once(app, editors, session_for, at_once):
    federation, users = editors
    tabs = sessions(session_for, users)
    index = f"/federation/{federation}/templates"
    with app.app_context():
        schema = get_schema()
        draft = new_draft("Protocol jeugdhulp", "Sectorfederatie Jeugd")

        def package(number: int, text: str) -> bytes:
            return export_package(template_from_json({**with_style(draft, cover_text=text), "version": number}, schema, FONTS))

        packages = [(package(n, f"A{n}"), package(n, f"B{n}")) for n in range(1, ROUNDS + 1)]
    for number, (first, second) in enumerate(packages, start=1):
        # Half the editors import one package, the other half a different one with the same version number.
        responses = at_once([
            lambda tab=tab, data=(first, second)[i % 2]: tab.upload(f"{index}/import", {}, {"package": (data, "sjabloon.pbt")}, index)
            for i, tab in enumerate(tabs)
        ])
        assert not [r for r in responses if isinstance(r, Exception) or r.status >= 500], responses
        with app.app_context():
            rows = db.session.scalars(select(SectorTemplate).where(SectorTemplate.organisation_id == federation)).all()
            assert len(rows) == 1  # one template of that name, however many imported it at once
            versions = {v.number: v.data["style"]["cover_text"] for v in rows[0].versions}
        assert sorted(versions) == list(range(1, number + 1))
        stored = versions[number]
        for i, response in enumerate(responses):
            if f"{'AB'[i % 2]}{number}" == stored:  # the same package as the one stored: added once, the rest "al aanwezig"
                assert response.status == 302, response.status
            else:
                assert response.status == 422 and f"Versie {number} van “Protocol jeugdhulp” bestaat al met een andere inhoud." in html.unescape(response.text)


def test_simultaneous_creates_make_one_template_of_a_name(app, editors, session_for, at_once):
    federation, users = editors
    tabs = sessions(session_for, users)
    index = f"/federation/{federation}/templates"
    for round_ in range(ROUNDS):
        responses = at_once([lambda tab=tab: tab.post(index, {"name": f"Sjabloon {round_}"}, index) for tab in tabs])
        assert sorted(r.status for r in responses) == [302] + [422] * (N - 1)
        assert all("Er bestaat al een sjabloon met deze naam." in r.text for r in responses if r.status == 422)
        with app.app_context():
            names = db.session.scalars(select(SectorTemplate.name).where(SectorTemplate.organisation_id == federation)).all()
        assert sorted(names) == sorted(f"Sjabloon {n}" for n in range(round_ + 1))


def test_sqlite_connections_wait_for_each_other_instead_of_failing(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only: PostgreSQL makes a second writer wait on its own")
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"  # readers do not block the writer
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000  # a second writer waits up to 5 s


def test_two_admins_removing_each_other_at_once_leave_one_admin(app, org, make_user, session_for, at_once):
    admins = [make_user(f"beheerder{i}@delinde.be", ("admin", "drafter"), org, name=f"Beheerder {i}") for i in range(2)]
    tabs = [session_for(user_id) for user_id in admins]
    for _round in range(ROUNDS):
        calls = [
            lambda tab=tab, other=other: tab.post(f"/organisations/{org}/users/{other}", {"roles": "drafter"}, f"/organisations/{org}/users/{other}")
            for tab, other in zip(tabs, reversed(admins))
        ]
        responses = at_once(calls)
        assert not [r for r in responses if isinstance(r, Exception)], responses
        # The loser either waited and was told one admin must stay, or arrived after losing the admin role.
        statuses = sorted(r.status for r in responses)
        assert statuses in ([200, 302], [302, 403]), statuses
        refused = next(r for r in responses if r.status != 302)
        if refused.status == 200:
            assert "Er moet minstens één beheerder blijven." in html.unescape(refused.text)
        with app.app_context():
            still_admin = db.session.scalars(
                select(Membership.user_id).where(Membership.organisation_id == org, Membership.role == "admin")
            ).all()
            assert len(still_admin) == 1
            # Give the other admin the role back for the next round.
            loser = next(user_id for user_id in admins if user_id not in still_admin)
            db.session.add(Membership(user_id=loser, organisation_id=org, role="admin"))
            db.session.commit()
