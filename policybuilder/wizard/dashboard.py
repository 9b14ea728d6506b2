"""The start page: per organisation, what the user should do next and where each protocol stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..models import Organisation, Protocol, ProtocolVersion, TemplateVersion, User
from .templating import newer_version

DUE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class ProtocolLine:
    protocol: Protocol
    status: str  # draft, submitted, returned, approved, due, overdue
    next_review: date | None
    latest: ProtocolVersion | None  # the latest version on record (None: only the draft exists)
    newer_template: TemplateVersion | None  # a newer version of the protocol's sector template


@dataclass(frozen=True)
class Overview:
    """One organisation as the user sees it on the start page."""

    organisation: Organisation
    roles: set[str]
    lines: list[ProtocolLine]
    waiting: list[ProtocolVersion]  # submitted by others, for this approver to decide on

    @property
    def updates(self) -> list[ProtocolLine]:
        """Protocols whose sector template has a newer version to take over (only drafters take it)."""
        return [line for line in self.lines if line.newer_template] if "drafter" in self.roles else []


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
    return ProtocolLine(protocol, status, next_review, latest, newer_version(protocol))


def waiting_for(user: User, organisation: Organisation) -> list[ProtocolVersion]:
    """Submitted versions ``user`` may decide on: submitted by someone else, or by anyone where self-approval is allowed."""
    if "approver" not in user.roles(organisation.id):
        return []
    return [
        version
        for protocol in organisation.protocols
        for version in protocol.versions
        if version.status == "submitted" and (version.submitted_by_id != user.id or organisation.allow_self_approval)
    ]


def dashboard(user: User, today: date) -> list[Overview]:
    """For each of the user's organisations: the user's roles, what waits for them, and its protocols, newest first."""
    organisations = {m.organisation_id: m.organisation for m in user.memberships}
    return [
        Overview(
            organisation,
            user.roles(organisation.id),
            [protocol_line(p, today) for p in sorted(organisation.protocols, key=lambda p: p.updated_at, reverse=True)],
            waiting_for(user, organisation),
        )
        for organisation in sorted(organisations.values(), key=lambda o: o.name)
    ]
