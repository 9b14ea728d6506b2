"""Submitting, approving and returning versions: the rules of separation of duties live here."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..answers import value
from ..schema import Schema
from ..extensions import db
from ..models import Approval, Protocol, ProtocolVersion, User


class ApprovalRefused(Exception):
    """The action is not allowed now; the message says why, in Dutch."""


def submit(protocol: Protocol, user: User) -> ProtocolVersion:
    """Freeze the draft's current answers as the next version, status submitted; commits."""
    pending = next((v for v in protocol.versions if v.status == "submitted"), None)
    if pending is not None:
        raise ApprovalRefused(_("Versie %(n)s wacht nog op een beslissing. Dien pas opnieuw in als die beslist is.", n=pending.number))
    number = (db.session.scalar(select(func.max(ProtocolVersion.number)).where(ProtocolVersion.protocol_id == protocol.id)) or 0) + 1
    answers = dict(protocol.answers)
    template_version_id = protocol.template_version_id
    version = ProtocolVersion(
        protocol=protocol,
        number=number,
        answers=answers,
        template_version_id=template_version_id,
        content_hash=ProtocolVersion.hash_of(protocol.id, number, answers, template_version_id),
        status="submitted",
        submitted_by=user,
    )
    db.session.add(version)
    db.session.flush()
    audit.record("version.submit", protocol.organisation_id, version, number=number, hash=version.content_hash[:12])
    db.session.commit()
    return version


def check_may_decide(version: ProtocolVersion, user: User) -> bool:
    """Raise ApprovalRefused unless ``user`` may decide now; True when deciding on their own submission."""
    if version.status != "submitted":
        raise ApprovalRefused(_("Over deze versie is al beslist."))
    own = version.submitted_by_id == user.id
    if own and not version.protocol.organisation.allow_self_approval:
        raise ApprovalRefused(_("Wie een versie indient, kan ze niet zelf goedkeuren. Vraag een andere goedkeurder."))
    return own


def approve(version: ProtocolVersion, user: User, name: str, function: str, consultation_note: str,
            consultation_date: date | None, in_force_date: date | None, next_review_date: date) -> Approval:
    """Approve ``version``; the earlier approved version becomes superseded; commits."""
    own = check_may_decide(version, user)
    for earlier in version.protocol.versions:
        if earlier.status == "approved":
            earlier.status = "superseded"
    version.status = "approved"
    today = date.today()
    approval = Approval(
        version=version, user=user, decision="approved", name=name, function=function,
        consultation_note=consultation_note, consultation_date=consultation_date,
        in_force_date=in_force_date or today, next_review_date=next_review_date,
        self_approved=own,
    )
    db.session.add(approval)
    db.session.flush()
    audit.record("version.approve", version.protocol.organisation_id, version, number=version.number, self_approved=own)
    db.session.commit()
    return approval


def return_version(version: ProtocolVersion, user: User, name: str, function: str, comment: str) -> Approval:
    """Send ``version`` back to the drafter with a comment; commits."""
    check_may_decide(version, user)
    version.status = "returned"
    decision = Approval(version=version, user=user, decision="returned", name=name, function=function, comment=comment)
    db.session.add(decision)
    db.session.flush()
    audit.record("version.return", version.protocol.organisation_id, version, number=version.number)
    db.session.commit()
    return decision


def default_next_review(schema: Schema, answers: dict, today: date) -> date:
    """The review date the monitoring element asks for, else one year (or six months) from ``today``."""
    planned = value(schema, answers, "monitoring.next_review")
    if planned:
        return date.fromisoformat(planned)
    months = 6 if value(schema, answers, "monitoring.review_frequency") == "twice_yearly" else 12
    return add_months(today, months)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1), following - timedelta(days=1))
