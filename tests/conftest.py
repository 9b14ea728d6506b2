"""Shared fixtures: an app on a fresh temporary database per test, its client and CLI runner."""
from __future__ import annotations

import pytest

from policybuilder import create_app
from policybuilder.extensions import db
from policybuilder.models import Organisation, Protocol


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
