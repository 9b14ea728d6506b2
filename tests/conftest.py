"""Shared fixtures: an app on a fresh temporary database per test, its client and CLI runner."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from policybuilder import create_app
from policybuilder.extensions import db
from policybuilder.models import Organisation, Protocol

from .forms import read_form


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}",
            "DOCUMENT_CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_protocol(app):
    """Return a callable that stores a protocol with the given answers and returns its id."""

    def make(name: str = "VZW De Linde", sector: str = "youth_care", answers: dict | None = None) -> int:
        with app.app_context():
            organisation = Organisation(name=name, sector=sector)
            base = {"profile": {"name": name, "sector": sector}}
            protocol = Protocol(organisation=organisation, answers={**base, **(answers or {})}, saved_steps=[])
            db.session.add(protocol)
            db.session.commit()
            return protocol.id

    return make


@pytest.fixture
def submit(client):
    """Return a callable that opens a wizard page, changes some fields and posts it like a browser.

    ``changes`` maps a field name to a new value (a list for several values, None to leave it out).
    """

    def post(url: str, changes: dict | None = None, nav: str = "stay", follow: bool = False):
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        fields = [(k, v) for k, v in read_form(page.get_data(as_text=True)) if k not in (changes or {})]
        for name, new in (changes or {}).items():
            values = new if isinstance(new, list) else [new]
            fields.extend((name, v) for v in values if v is not None)
        return client.post(url, data=MultiDict([*fields, ("nav", nav)]), follow_redirects=follow)

    return post
