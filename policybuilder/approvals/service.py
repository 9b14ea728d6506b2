"""Submitting, approving and returning versions: the rules of separation of duties live here.

Each decision is one conditional step, so of several people clicking at the same moment exactly one wins
and the others hear what happened (Conflict, a 409 page).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..answers import value
from ..completion import open_placeholders, with_blanks
from ..dates import local_today
from ..documents.files import render_ahead_of
from ..errors import Conflict
from ..extensions import db
from ..models import Approval, Protocol, ProtocolVersion, StaleRevision, User, lock_at_revision
from ..schema import Schema
from ..schema_store import get_schema
from . import fingerprints


class ApprovalRefused(Exception):
    """The action is not allowed now; the message says why, in Dutch."""


def submit(protocol: Protocol, user: User, based_on: int) -> ProtocolVersion:
    """Freeze the draft's answers at revision ``based_on`` as the next version, status submitted; commits.

    Conflict when the draft changed or was submitted meanwhile; ApprovalRefused while another version waits.
    """
    try:
        lock_at_revision(protocol, based_on)  # a simultaneous submit waits here, then sees this one's version
    except StaleRevision:
        raise Conflict(_("Het concept werd intussen gewijzigd. Bekijk het overzicht opnieuw en dien dan in.")) from None
    latest = _latest_version(protocol.id)
    if latest is not None and latest.status == "submitted":
        unchanged = (latest.answers, latest.template_version_id) == (protocol.answers, protocol.template_version_id)
        db.session.rollback()
        if unchanged:
            raise _already_submitted(latest)
        raise ApprovalRefused(_("Versie %(n)s wacht nog op een beslissing. Dien pas opnieuw in als die beslist is.", n=latest.number))
    # Approved means finished: every [placeholder] is filled in or left blank on purpose before management sees it.
    if still_open := open_placeholders(get_schema(), protocol.answers):
        db.session.commit()  # keeps the 'leeg laten' choices the drafter did tick
        raise ApprovalRefused(ngettext(
            "Het document heeft nog %(num)s open plaats tussen vierkante haken. Vul ze in of vink 'leeg laten' aan, en dien dan in.",
            "Het document heeft nog %(num)s open plaatsen tussen vierkante haken. Vul ze in of vink per plaats 'leeg laten' aan, en dien dan in.",
            len(still_open)))
    number = (latest.number if latest else 0) + 1
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
    try:
        db.session.flush()
    except IntegrityError:  # the unique version number: the second guard, should the lock not hold
        db.session.rollback()
        raise _already_submitted(_latest_version(protocol.id)) from None
    audit.record("version.submit", protocol.organisation_id, version, number=number, hash=version.content_hash[:12])
    db.session.commit()
    render_ahead_of(protocol, version)  # the approver's download is then ready
    return version


def leave_blank(protocol: Protocol, refs: list[str], based_on: int) -> int:
    """Stage the drafter's choice to leave these [placeholders] blank in the draft; the revision to submit at."""
    answers = with_blanks(get_schema(), protocol.answers, refs) if refs else protocol.answers
    if answers == protocol.answers:
        return based_on
    try:
        protocol.save_answers(answers, based_on)
    except StaleRevision:
        raise Conflict(_("Het concept werd intussen gewijzigd. Bekijk het overzicht opnieuw en dien dan in.")) from None
    return based_on + 1


def check_may_decide(version: ProtocolVersion, user: User) -> bool:
    """Raise Conflict or ApprovalRefused unless ``user`` may decide now; True when deciding on their own submission."""
    if version.status != "submitted":
        raise _decided(version)
    own = version.submitted_by_id == user.id
    if own and not version.protocol.organisation.allow_self_approval:
        raise ApprovalRefused(_("Wie een versie indient, kan ze niet zelf goedkeuren. Vraag een andere goedkeurder."))
    return own


def approve(version: ProtocolVersion, user: User, name: str, function: str, consultation_note: str,
            consultation_date: date | None, in_force_date: date | None, next_review_date: date) -> Approval:
    """Approve ``version``; the earlier approved version becomes superseded in the same transaction; commits."""
    own = check_may_decide(version, user)
    _claim(version, "approved")
    db.session.execute(
        update(ProtocolVersion)
        .where(ProtocolVersion.protocol_id == version.protocol_id, ProtocolVersion.status == "approved",
               ProtocolVersion.id != version.id)
        .values(status="superseded")
    )
    today = local_today()
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
    render_ahead_of(version.protocol, version)  # the approved file, kept in the cache
    if current_app.config["RENDER_AHEAD"]:
        fingerprints.record_later(version)  # what a check of its files compares with, made now rather than at the check
    return approval


def return_version(version: ProtocolVersion, user: User, name: str, function: str, comment: str) -> Approval:
    """Send ``version`` back to the drafter with a comment; commits."""
    check_may_decide(version, user)
    _claim(version, "returned")
    decision = Approval(version=version, user=user, decision="returned", name=name, function=function, comment=comment)
    db.session.add(decision)
    db.session.flush()
    audit.record("version.return", version.protocol.organisation_id, version, number=version.number)
    db.session.commit()
    return decision


def _claim(version: ProtocolVersion, status: str) -> None:
    """Set ``version``'s status if it is still submitted, in one conditional UPDATE; else roll back and Conflict."""
    result = db.session.execute(
        update(ProtocolVersion).where(ProtocolVersion.id == version.id, ProtocolVersion.status == "submitted").values(status=status)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise _decided(version)


def _latest_version(protocol_id: int) -> ProtocolVersion | None:
    return db.session.scalar(
        select(ProtocolVersion).where(ProtocolVersion.protocol_id == protocol_id).order_by(ProtocolVersion.number.desc()).limit(1)
    )


def _when(moment: datetime) -> str:
    return format_datetime(moment, _("dd/MM/yyyy 'om' HH:mm"))  # the pattern's word follows the interface


def _already_submitted(version: ProtocolVersion) -> Conflict:
    return Conflict(_("Dit concept werd intussen al ingediend als versie %(n)s, door %(name)s op %(date)s.",
                      n=version.number, name=version.submitted_by.name, date=_when(version.submitted_at)))


def _decided(version: ProtocolVersion) -> Conflict:
    """What to say to someone who wanted to decide on ``version`` after another approver did."""
    decision = version.approvals[-1] if version.approvals else None
    if decision is None:
        return Conflict(_("Over deze versie werd intussen al beslist."))
    if decision.decision == "approved":
        message = _("Deze versie werd intussen goedgekeurd door %(name)s op %(date)s.", name=decision.name, date=_when(decision.created_at))
    else:
        message = _("Deze versie werd intussen teruggestuurd door %(name)s op %(date)s.", name=decision.name, date=_when(decision.created_at))
    return Conflict(message)


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
