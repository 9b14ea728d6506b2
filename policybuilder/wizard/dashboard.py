"""The start page: per organisation, where each protocol stands and which reviews are due."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..models import Organisation, Protocol, User

DUE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class ProtocolLine:
    protocol: Protocol
    status: str  # draft, submitted, returned, approved, due, overdue
    next_review: date | None


def protocol_line(protocol: Protocol, today: date) -> ProtocolLine:
    """Where one protocol stands: its latest version's status, and the review date of the approved one."""
    approved = next((v for v in reversed(protocol.versions) if v.status == "approved"), None)
    latest = protocol.versions[-1] if protocol.versions else None
    next_review = approved.approval.next_review_date if approved and approved.approval else None
    if latest is not None and latest.status in ("submitted", "returned"):
        status = latest.status
    elif next_review is not None and next_review < today:
        status = "overdue"
    elif next_review is not None and next_review <= today + DUE_WINDOW:
        status = "due"
    elif approved is not None:
        status = "approved"
    else:
        status = "draft"
    return ProtocolLine(protocol, status, next_review)


def dashboard(user: User, today: date) -> list[tuple[Organisation, set[str], list[ProtocolLine]]]:
    """For each of the user's organisations: the user's roles there and its protocols, newest first."""
    organisations = {m.organisation_id: m.organisation for m in user.memberships}
    return [
        (
            organisation,
            user.roles(organisation.id),
            [protocol_line(p, today) for p in sorted(organisation.protocols, key=lambda p: p.updated_at, reverse=True)],
        )
        for organisation in sorted(organisations.values(), key=lambda o: o.name)
    ]
