"""Every page type of the application, for the accessibility, HTML and narrow-screen checks.

``visit_every_page`` builds one organisation with a protocol (two versions), a federation with a
template, and opens each page type as the user who sees it, handing each loaded page to ``check``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from policybuilder import create_app
from policybuilder.extensions import db
from policybuilder.federation.drafts import new_draft
from policybuilder.models import (
    Approval,
    AuditEvent,
    Membership,
    Organisation,
    Protocol,
    ProtocolVersion,
    SectorTemplate,
    TemplateVersion,
    User,
)

from ..conftest import PASSWORD
from ..servers import serving

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "full.json"
DRAFTER, APPROVER, EDITOR = "an.drafter@delinde.be", "dir@delinde.be", "redactie@federatie.be"


@dataclass(frozen=True)
class Site:
    organisation: int
    protocol: int
    member: int
    template: int


def serve(tmp_path: Path):
    """A fresh application on a loopback port: yields (app, base URL)."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "RATELIMIT_ENABLED": False, "RENDER_AHEAD": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pages.sqlite'}", "DOCUMENT_CACHE_DIR": str(tmp_path / "cache"),
    })
    with app.app_context():
        db.create_all()
    with serving(app) as url:
        yield app, url
    with app.app_context():
        db.engine.dispose()


def _user(email: str, name: str, organisation: Organisation, *roles: str) -> User:
    user = User(email=email, name=name)
    user.set_password(PASSWORD)
    user.memberships = [Membership(organisation=organisation, role=role) for role in roles]
    db.session.add(user)
    return user


def build_site(app) -> Site:
    """An organisation whose protocol has an approved version 1 and a submitted version 2, and a federation."""
    with app.app_context():
        organisation = Organisation(name="VZW De Linde", sector="youth_care")
        federation = Organisation(name="Federatie Jeugdhulp", sector="youth_care", kind="federation")
        drafter = _user(DRAFTER, "An Peeters", organisation, "drafter", "admin")
        approver = _user(APPROVER, "Mieke Janssens", organisation, "approver")
        _user(EDITOR, "Redactie", federation, "federation_editor")
        template = SectorTemplate(organisation=federation, name="Sjabloon jeugdhulp", draft=new_draft("Sjabloon jeugdhulp", federation.name))
        version = TemplateVersion(template=template, number=1, data={**template.draft, "release_notes": "Eerste versie."},
                                  release_notes="Eerste versie.")
        answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        protocol = Protocol(organisation=organisation, answers=answers, saved_steps=list(answers), template_version=version)
        db.session.add_all([template, version, protocol])
        db.session.flush()
        for number, status, text in ((1, "approved", "Jaarlijkse vorming."), (2, "submitted", "Tweejaarlijkse vorming voor alle teams.")):
            frozen = {**answers, "learning": {**answers.get("learning", {}), "training": text}}
            row = ProtocolVersion(protocol=protocol, number=number, answers=frozen, status=status, submitted_by=drafter,
                                  content_hash=ProtocolVersion.hash_of(protocol.id, number, frozen, version.id),
                                  template_version_id=version.id)
            db.session.add(row)
            if status == "approved":
                db.session.add(Approval(version=row, user=approver, decision="approved", name=approver.name,
                                        function="Algemeen directeur", in_force_date=date(2026, 1, 1), next_review_date=date(2027, 1, 1)))
        db.session.flush()
        db.session.add_all([
            AuditEvent(organisation_id=organisation.id, user_id=drafter.id, action="protocol.save", object_type="Protocol",
                       object_id=protocol.id, detail={"step": "learning", "revision": 3}),
            AuditEvent(organisation_id=organisation.id, user_id=approver.id, action="version.approve", object_type="ProtocolVersion",
                       object_id=protocol.versions[0].id, detail={"number": 1, "self_approved": False}),
        ])
        db.session.commit()
        return Site(organisation.id, protocol.id, approver.id, template.id)


def log_in(page, server: str, email: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Je protocollen")).to_be_visible()


def page_urls(site: Site) -> list[tuple[str, str | None, str, int]]:
    """(page type, who looks at it, path, expected status) for every page type reachable with a GET."""
    p, o, t = site.protocol, site.organisation, site.template
    return [
        ("login", None, "/login", 200),
        ("verify", None, "/verify", 200),
        ("dashboard", DRAFTER, "/", 200),
        ("new protocol", DRAFTER, "/protocols/new", 200),
        ("wizard step", DRAFTER, f"/protocols/{p}/steps/contacts", 200),
        ("review", DRAFTER, f"/protocols/{p}/review", 200),
        ("preview", DRAFTER, f"/protocols/{p}/preview", 200),
        ("preview in French", DRAFTER, f"/protocols/{p}/preview?lang=fr", 200),
        ("translations", DRAFTER, f"/protocols/{p}/translations", 200),
        ("versions", DRAFTER, f"/protocols/{p}/versions", 200),
        ("version", APPROVER, f"/protocols/{p}/versions/2", 200),
        ("compare", APPROVER, f"/protocols/{p}/compare?from=1&to=2", 200),
        ("approver dashboard", APPROVER, "/", 200),
        ("users", DRAFTER, f"/organisations/{o}/users", 200),
        ("member", DRAFTER, f"/organisations/{o}/users/{site.member}", 200),
        ("settings", DRAFTER, f"/organisations/{o}/settings", 200),
        ("audit", DRAFTER, f"/organisations/{o}/audit", 200),
        ("federation index", EDITOR, "/federation/{federation}/templates", 200),
        ("federation template", EDITOR, f"/federation/templates/{t}", 200),
        ("federation element", EDITOR, f"/federation/templates/{t}/elements/procedure", 200),
        ("federation contacts", EDITOR, f"/federation/templates/{t}/contacts", 200),
        ("federation style", EDITOR, f"/federation/templates/{t}/style", 200),
        ("federation preview", EDITOR, f"/federation/templates/{t}/preview", 200),
        ("error 404", DRAFTER, "/protocols/999999/review", 404),
    ]


PAGE_TYPES = ["setup", *(name for name, *_ in page_urls(Site(0, 0, 0, 0))), "error 409"]


def visit_every_page(browser, tmp_path: Path, width: int, check) -> None:
    """Open every page type at ``width`` px and call ``check(name, page, html)`` with the server's HTML."""
    server = serve(tmp_path)
    app, base = next(server)
    contexts = {}

    def page_of(who):
        if who not in contexts:
            context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 900}, bypass_csp=True)
            contexts[who] = context.new_page()
            if who is not None:
                log_in(contexts[who], base, who)
        return contexts[who]

    try:
        anonymous = page_of(None)
        response = anonymous.goto(f"{base}/setup")
        check("setup", anonymous, response.text())
        site = build_site(app)
        with app.app_context():
            federation = db.session.get(SectorTemplate, site.template).organisation_id
        for name, who, path, status in page_urls(site):
            page = page_of(who)
            response = page.goto(base + path.format(federation=federation))
            assert response.status == status, (name, response.status)
            check(name, page, response.text())
        _conflict(app, site, page_of(APPROVER), base, check)
    finally:
        for page in contexts.values():
            page.context.close()
        next(server, None)


def _conflict(app, site: Site, page, base: str, check) -> None:
    """The approver decides on a version another approver decided on meanwhile: the 409 page."""
    page.goto(f"{base}/protocols/{site.protocol}/versions/2")
    with app.app_context():
        version = db.session.query(ProtocolVersion).filter_by(protocol_id=site.protocol, number=2).one()
        version.status = "returned"
        db.session.commit()
    page.get_by_label("Je functie").first.fill("Algemeen directeur")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Versie 2 goedkeuren").click()
    assert posted.value.status == 409
    page.wait_for_load_state()
    check("error 409", page, posted.value.text())
