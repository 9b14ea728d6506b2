"""A federation with an editor, and helpers that post the editor's pages like a browser."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import MultiDict

from policybuilder.extensions import db
from policybuilder.models import SectorTemplate

from ..forms import read_form

FEDERATION = "Sectorfederatie Jeugd"
# One sector contact as the contacts page posts it: the row in Dutch, its texts in French beside it.
SECTOR_CONTACT = {
    "support_list-0-name": "Sectorhulplijn", "support_list-0-purpose": "Opvang.", "support_list-0-reach": "0800 00 000",
    "support_list-0-last_checked": "2026-09-01",
    "fr-support_list-0-name": "Ligne d'aide du secteur", "fr-support_list-0-purpose": "Accueil.", "fr-support_list-0-reach": "0800 00 000",
}


def png(width: int = 40, height: int = 20, colour: str = "red") -> bytes:
    """A small, real PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def federation(make_org) -> int:
    return make_org(FEDERATION, "youth_care", kind="federation")


@pytest.fixture
def editor(make_user, federation) -> int:
    return make_user("redactie@federatie.be", ("federation_editor",), federation, name="Els Redactie")


@pytest.fixture
def editor_client(client_for, editor):
    return client_for(editor)


@pytest.fixture
def send(editor_client):
    """Return a callable that opens ``page``, changes fields and posts what the page shows (to ``to``, else the page).

    ``files`` maps a field name to (bytes, filename); ``None`` in ``changes`` leaves a field out.
    """

    def post(page: str, changes: dict | None = None, to: str | None = None, files: dict | None = None, nav: str | None = "stay", client=None):
        browser = client or editor_client
        response = browser.get(page)
        assert response.status_code == 200, response.status_code
        changes = {**(changes or {}), **{name: None for name in files or {}}}
        data = MultiDict([(k, v) for k, v in read_form(response.get_data(as_text=True)) if k not in changes])
        for name, new in changes.items():
            for value in new if isinstance(new, list) else [new]:
                if value is not None:
                    data.add(name, value)
        for name, (content, filename) in (files or {}).items():
            data.add(name, (io.BytesIO(content), filename))
        if nav:
            data.add("nav", nav)
        return browser.post(to or page, data=data, content_type="multipart/form-data")

    return post


@pytest.fixture
def create_template(editor_client, federation, token):
    """Return a callable that makes a template through the web page and returns its id."""

    def make(name: str = "Protocol jeugdhulp", client=None, organisation_id: int | None = None) -> int:
        browser = client or editor_client
        url = f"/federation/{organisation_id or federation}/templates"
        response = browser.post(url, data={"csrf_token": token(browser, url), "name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    return make


@pytest.fixture
def draft_of(app):
    """Return a callable giving a template's stored draft."""

    def read(template_id: int) -> dict:
        with app.app_context():
            return db.session.get(SectorTemplate, template_id).draft

    return read


@pytest.fixture
def publish(send):
    """Return a callable that publishes the draft with release notes; returns the response."""

    def post(template_id: int, notes: str = "Eerste versie."):
        page = f"/federation/templates/{template_id}"
        return send(page, {"release_notes": notes}, to=f"{page}/publish", nav=None)

    return post


@pytest.fixture
def styled(send, create_template):
    """A template with a locked question, a clause, a sector contact and a house style with a logo; returns its id."""
    template_id = create_template()
    base = f"/federation/templates/{template_id}"
    send(f"{base}/elements/procedure", {"report_to": "de teamcoach", "fr-report_to": "le coach d'équipe", "tpl-report_to-state": "locked"})
    send(f"{base}/elements/learning", {"clause-text": "Vorming volgens de sectorafspraak.", "clause-text_fr": "Formation selon l'accord sectoriel.",
                                       "clause-basis": "sector"}, to=f"{base}/elements/learning/clauses")
    send(f"{base}/contacts", SECTOR_CONTACT)
    send(f"{base}/style", {"primary_colour": "#12AB34", "font": "Arial"}, files={"logo": (png(), "logo.png")}, nav=None)
    return template_id
