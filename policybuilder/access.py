"""Who may see what: every lookup is scoped to the organisations of the logged-in user."""
from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select

from .extensions import db
from .models import LARGEST_INTEGER, Organisation, Protocol, ProtocolVersion


def require_role(organisation_id: int, role: str | None) -> None:
    """404 outside the user's organisations (nothing is revealed); 403 without the role inside one."""
    roles = current_user.roles(organisation_id)
    if not roles:
        abort(404)
    if role and role not in roles:
        abort(403)


def organisation_or_404(organisation_id: int, role: str | None = None) -> Organisation:
    """An organisation of the current user, with ``role`` if given."""
    organisation = db.get_or_404(Organisation, organisation_id)
    require_role(organisation.id, role)
    return organisation


def protocol_or_404(protocol_id: int, role: str | None = None) -> Protocol:
    """A protocol of one of the current user's organisations, with ``role`` there if given."""
    protocol = db.session.execute(_protocol_query(), {"protocol_id": protocol_id}).scalar_one_or_none()
    if protocol is None:
        abort(404)
    require_role(protocol.organisation_id, role)
    return protocol


@functools.cache
def _protocol_query():
    """A protocol by id, built once: every wizard request looks one up, and building the statement each time cost
    nearly a third of the lookup."""
    return select(Protocol).where(Protocol.id == bindparam("protocol_id"))


def version_or_404(protocol_id: int, number: int, role: str | None = None) -> ProtocolVersion:
    """Version ``number`` of a protocol the current user may see."""
    protocol = protocol_or_404(protocol_id, role)
    if not 0 < number <= LARGEST_INTEGER:  # a number from a query string
        abort(404)
    version = db.session.scalar(
        select(ProtocolVersion).where(ProtocolVersion.protocol_id == protocol.id, ProtocolVersion.number == number)
    )
    if version is None:
        abort(404)
    return version
