"""Helpers for the approval tests."""
from __future__ import annotations

from policybuilder.extensions import db
from policybuilder.models import ProtocolVersion


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
