"""The benchmarks' fixture: an app on a fresh SQLite file with one drafter and one protocol."""
from __future__ import annotations

from pathlib import Path

EMAIL = "drafter@bench.test"
PASSWORD = "een lang genoeg wachtwoord"


def drafter_app(folder: Path, answers: dict, **config):
    """(app, the drafter's user id, the protocol's id): ``answers`` in a protocol of one organisation, ``config`` on top."""
    from policybuilder import create_app
    from policybuilder.extensions import db
    from policybuilder.models import Membership, Organisation, Protocol, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "DOCUMENT_CACHE_DIR": str(folder / "cache"), **config})
    with app.app_context():
        db.create_all()
        organisation = Organisation(name="vzw De Klimop", sector="youth_care")
        db.session.add(organisation)
        db.session.flush()
        user = User(email=EMAIL, name="Drafter")
        user.set_password(PASSWORD)
        user.memberships = [Membership(organisation_id=organisation.id, role="drafter")]
        protocol = Protocol(organisation_id=organisation.id, answers=answers, saved_steps=[])
        db.session.add_all([user, protocol])
        db.session.commit()
        return app, user.id, protocol.id
