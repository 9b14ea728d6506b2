"""Shared fixtures: an app on a fresh temporary database per test, clients, CLI runner and factories."""
from __future__ import annotations

import os
import shutil

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from werkzeug.datastructures import MultiDict

from policybuilder import create_app
from policybuilder.approvals import fingerprints
from policybuilder.extensions import db
from policybuilder.models import Membership, Organisation, Protocol, User
from policybuilder.schema import SCHEMA_DIR

from .catalogues import compile_catalogues
from .forms import read_form, submission

PASSWORD = "een lang genoeg wachtwoord"


# Set (by scripts/with-postgres.sh) to run the tests on PostgreSQL instead of a SQLite file per test.
TEST_DATABASE_URL = os.environ.get("POLICYBUILDER_TEST_DATABASE_URL")
_postgres_has_tables = [False]


def empty_test_database(tmp_path, with_tables: bool) -> str:
    """The URL of an empty database: a new SQLite file, or the PostgreSQL test database emptied.

    On PostgreSQL the tables are made once and then truncated for each test that wants them (fast);
    a test that wants no tables at all gets a fresh schema.
    """
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    engine = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("SET lock_timeout = '10s'"))  # a connection left open fails the test, not hangs it
        if with_tables and _postgres_has_tables[0]:
            names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            if with_tables:
                db.metadata.create_all(connection)
    engine.dispose()
    _postgres_has_tables[0] = with_tables
    return TEST_DATABASE_URL


@pytest.fixture(scope="session", autouse=True)
def interface_catalogues():
    """The French interface needs its compiled catalogue; `pytest` alone makes it when missing or stale."""
    compile_catalogues()


@pytest.fixture
def database_url(tmp_path) -> str:
    """An empty database without tables for this test (SQLite, or PostgreSQL when it is configured)."""
    return empty_test_database(tmp_path, with_tables=False)


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": empty_test_database(tmp_path, with_tables=True),
            "DOCUMENT_CACHE_DIR": str(tmp_path / "cache"),
            # A PDF is rendered in the pool as in production; the request waits for it (tests/documents/test_jobs.py
            # sets 0 and checks the 202 page). No renders ahead of need unless a test asks for them.
            "RENDER_WAIT": 120,
            "RENDER_AHEAD": False,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    fingerprints.wait_for_recordings(300)  # an approval with renders ahead records them in the background
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_org(app):
    """Return a callable that stores an organisation and returns its id."""

    def make(name: str = "VZW De Linde", sector: str = "youth_care", **fields) -> int:
        with app.app_context():
            organisation = Organisation(name=name, sector=sector, **fields)
            db.session.add(organisation)
            db.session.commit()
            return organisation.id

    return make


@pytest.fixture
def make_user(app):
    """Return a callable that stores a user with roles in an organisation and returns the user's id."""

    def make(email: str, roles=("drafter",), organisation_id: int | None = None, password: str | None = PASSWORD, name: str = "") -> int:
        with app.app_context():
            user = User(email=email, name=name or email.split("@")[0].title())
            if password:
                user.set_password(password)
            user.memberships = [Membership(organisation_id=organisation_id, role=role) for role in roles]
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def org(make_org) -> int:
    """The default organisation of the tests."""
    return make_org()


@pytest.fixture
def client_for(app):
    """Return a callable giving a test client logged in as the user with ``user_id``."""

    def make(user_id: int):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        return client

    return make


@pytest.fixture
def drafter(make_user, org) -> int:
    """A drafter (and administrator) of the default organisation."""
    return make_user("an.drafter@delinde.be", ("drafter", "admin"), org, name="An Peeters")


@pytest.fixture
def client(client_for, drafter):
    """A client logged in as the default organisation's drafter."""
    return client_for(drafter)


@pytest.fixture
def anon_client(app):
    """A client nobody logged in with."""
    return app.test_client()


@pytest.fixture
def make_protocol(app, org):
    """Return a callable that stores a protocol with the given answers and returns its id."""

    def make(name: str = "VZW De Linde", sector: str = "youth_care", answers: dict | None = None, organisation_id: int | None = None) -> int:
        with app.app_context():
            base = {"profile": {"name": name, "sector": sector}}
            protocol = Protocol(organisation_id=organisation_id or org, answers={**base, **(answers or {})}, saved_steps=[])
            db.session.add(protocol)
            db.session.commit()
            return protocol.id

    return make


@pytest.fixture
def submit(client):
    """Return a callable that opens a page, changes some fields and posts its form like a browser.

    ``changes`` maps a field name to a new value (a list for several values, None to leave it out).
    """

    def post(url: str, changes: dict | None = None, nav: str | None = "stay", follow: bool = False, as_client=None):
        browser = as_client or client
        page = browser.get(url)
        assert page.status_code == 200, page.status_code
        fields = [(k, v) for k, v in read_form(page.get_data(as_text=True)) if k not in (changes or {})]
        for name, new in (changes or {}).items():
            values = new if isinstance(new, list) else [new]
            fields.extend((name, v) for v in values if v is not None)
        if nav:
            fields.append(("nav", nav))
        return browser.post(url, data=MultiDict(fields), follow_redirects=follow)

    return post


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
    response = client.post(f"/protocols/{protocol_id}/submit", data=submission(client, protocol_id))
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
        # The page's two forms carry the prefixes "approve-" and "return-" (unique ids, each field its own label).
        posted = {"csrf_token": token, **defaults, **fields}
        return browser.post(f"{page_url}/{action}", data={f"{action}-{name}": value for name, value in posted.items()})

    return post


@pytest.fixture
def publish_template(app, make_org):
    """Return a callable that publishes a version of a federation's sector template; returns its id."""
    federation = {}

    def publish(data: dict, number: int = 1, logo: bytes | None = None, name: str = "Sjabloon jeugdhulp") -> int:
        from policybuilder.models import SectorTemplate, TemplateVersion

        if "id" not in federation:
            federation["id"] = make_org(name="Federatie Jeugdhulp", sector="youth_care", kind="federation")
        with app.app_context():
            template = db.session.query(SectorTemplate).filter_by(name=name).one_or_none()
            if template is None:
                template = SectorTemplate(organisation_id=federation["id"], name=name, draft={})
            full = {"format": 1, "name": name, "federation": "Federatie Jeugdhulp", "version": number, **data}
            version = TemplateVersion(template=template, number=number, data=full, logo=logo,
                                      release_notes=data.get("release_notes", ""))
            db.session.add(version)
            db.session.commit()
            return version.id

    return publish


@pytest.fixture
def schema_copy(tmp_path):
    """A writable copy of schemas/ and a helper to rewrite one element file."""
    target = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, target)

    def edit(key: str, change) -> None:
        path = target / "elements" / f"{key}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    return target, edit
