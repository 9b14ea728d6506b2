"""Accounts and memberships: the rules on e-mail and password, invitations, sessions and set-password links.

An account belongs to a person. An administrator makes an account only for an address that has none yet;
an address that already has an account gets an invitation that only its holder accepts or declines.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..models import Membership, MembershipInvitation, Organisation, User, lock, utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
# zxcvbn's scale 0–4; 3 is "safely unguessable" (about 10^8 guesses or more), its own advice for online use.
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input; what follows the first 72 characters only makes a password stronger.
ZXCVBN_MAX = 72
LINK_MAX_AGE = 7 * 24 * 3600


class UserError(ValueError):
    """A user cannot be made or changed as asked; the message says why, in Dutch."""


class PasswordError(UserError):
    """The password breaks a rule; the message says which, in Dutch."""


class InvitationDecided(UserError):
    """The invitation is no longer pending (another click or the administrator decided first)."""


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; UserError if it does not look like an e-mail address."""
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise UserError(_("Dit is geen geldig e-mailadres."))
    return email


def check_password_rules(password: str, *personal: str) -> None:
    """PasswordError unless the password is long enough and not easy to guess (zxcvbn: common, repeated, personal)."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise PasswordError(_("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD))
    from zxcvbn import zxcvbn  # its word lists cost every start a twentieth of a second; only a new password needs them

    words = [part for value in personal if value for part in re.split(r"[\s@.]+", value.lower()) if part]
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)["score"] < MIN_PASSWORD_SCORE:
        raise PasswordError(_(
            "Dit wachtwoord is te gemakkelijk te raden: het is een veelgebruikt wachtwoord, één herhaald teken, "
            "een reeks zoals 123456 of azerty, of het bevat je naam of e-mailadres. "
            "Kies bijvoorbeeld een zin van enkele woorden."
        ))


def find_user(email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made the way real ones are, to check against when the e-mail is unknown."""
    return generate_password_hash(secrets.token_urlsafe(16))


def password_matches(user: User | None, password: str) -> bool:
    """True if ``password`` is ``user``'s; one hash check also for no user or no password yet, so timing tells nothing."""
    real = user.password_hash if user is not None else None
    matches = check_password_hash(real or _dummy_hash(), password)
    return bool(real) and matches


def record_about_account(action: str, user: User, organisation_id: int | None = None, **detail) -> None:
    """Record ``action`` about an account in the acting organisation and in every organisation the account belongs to.

    Copies in the account's other organisations name the acting organisation, so nobody misreads them as their own.
    """
    acting = db.session.get(Organisation, organisation_id) if organisation_id else None
    targets = sorted(user.organisation_ids | ({organisation_id} if organisation_id else set()))
    for target in targets or [None]:
        extra = {"organisation": acting.name} if acting and target != acting.id else {}
        audit.record(action, target, user, **detail, **extra)


def end_sessions(user: User) -> None:
    """Stage a new session version for ``user``: every session and remember cookie of the account stops working."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1),
        execution_options={"synchronize_session": "fetch"},
    )


def create_user(email, name, organisation_name, sector, roles, password=None, kind="organisation") -> User:
    """A new user with ``roles`` in the named organisation (made, of ``kind``, if new); commits."""
    email = normalise_email(email)
    if password is not None:
        check_password_rules(password, email, name)
    if find_user(email):
        raise UserError(_("Er bestaat al een gebruiker met dit e-mailadres."))
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    organisation = organisation or Organisation(name=organisation_name, sector=sector, kind=kind)
    user = User(email=email, name=name.strip())
    if password:
        user.set_password(password)
    user.memberships = [Membership(organisation=organisation, role=role) for role in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", organisation.id, user, email=email, roles=sorted(roles))
    db.session.commit()
    return user


@dataclass
class Added:
    """What adding an address did: made a new account, invited an existing one, or changed a member's roles."""

    outcome: str  # "created", "invited", "member"
    user: User


def add_member(organisation: Organisation, email: str, name: str, roles: set[str], invited_by: User) -> Added:
    """Make an account with ``roles`` for a new address, or invite the existing account; commits.

    Nothing of an existing account outside ``organisation`` is changed or revealed.
    """
    email = normalise_email(email)
    if not roles:
        raise UserError(_("Kies minstens één rol."))
    user = find_user(email)
    if user is None:
        user = User(email=email, name=name.strip())
        user.memberships = [Membership(organisation=organisation, role=r) for r in sorted(roles)]
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # made at the same moment by another request: it exists now
            db.session.rollback()
            user = find_user(email)
        else:
            audit.record("user.add", organisation.id, user, email=email, roles=sorted(roles))
            db.session.commit()
            return Added("created", user)
    if user.roles(organisation.id):
        set_roles(organisation, user, user.roles(organisation.id) | roles)
        return Added("member", user)
    _invite(organisation, user, roles, invited_by)
    return Added("invited", user)


def _invite(organisation: Organisation, user: User, roles: set[str], invited_by: User) -> None:
    """Open (or reopen, with these roles) the one invitation of ``organisation`` to ``user``; commits."""
    values = {"roles": sorted(roles), "invited_by_id": invited_by.id, "status": "pending", "created_at": utcnow(), "decided_at": None}
    where = (MembershipInvitation.organisation_id == organisation.id, MembershipInvitation.user_id == user.id)
    if db.session.execute(update(MembershipInvitation).where(*where).values(**values)).rowcount == 0:
        db.session.add(MembershipInvitation(organisation_id=organisation.id, user_id=user.id, **values))
        try:
            db.session.flush()
        except IntegrityError:  # another admin invited at the same moment: reopen that one
            db.session.rollback()
            db.session.execute(update(MembershipInvitation).where(*where).values(**values))
    invitation = db.session.scalar(select(MembershipInvitation).where(*where))
    # About the invitation, not the account: the inviting organisation learns no name until it is accepted.
    audit.record("user.invite", organisation.id, invitation, email=user.email, roles=sorted(roles))
    db.session.commit()


def pending_invitations(user: User) -> list[MembershipInvitation]:
    """The invitations waiting for ``user``'s answer, oldest first."""
    return _pending(MembershipInvitation.user_id == user.id)


def pending_count(user: User) -> int:
    """How many invitations wait for ``user``'s answer (one COUNT, for the page header)."""
    return db.session.scalar(pending_count_of(user.id))


def pending_count_of(user_id):
    """The COUNT of the invitations waiting for ``user_id`` (a value, or the user's id column for a subquery)."""
    return select(func.count()).select_from(MembershipInvitation).where(*_pending_where(MembershipInvitation.user_id == user_id))


def organisation_invitations(organisation: Organisation) -> list[MembershipInvitation]:
    """The invitations of ``organisation`` still waiting for an answer, oldest first."""
    return _pending(MembershipInvitation.organisation_id == organisation.id)


def _pending(condition) -> list[MembershipInvitation]:
    return db.session.scalars(
        select(MembershipInvitation).where(*_pending_where(condition)).order_by(MembershipInvitation.created_at, MembershipInvitation.id)
    ).all()


def _pending_where(condition) -> tuple:
    return condition, MembershipInvitation.status == "pending"


def _decide(invitation: MembershipInvitation, status: str) -> None:
    """Move a pending invitation to ``status`` in one conditional UPDATE; InvitationDecided if it is no longer pending."""
    result = db.session.execute(
        update(MembershipInvitation)
        .where(MembershipInvitation.id == invitation.id, MembershipInvitation.status == "pending")
        .values(status=status, decided_at=utcnow())
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(invitation)
        raise InvitationDecided(_decided_message(invitation.status))


def _decided_message(status: str) -> str:
    messages = {
        "accepted": _("Deze uitnodiging werd intussen al aanvaard."),
        "declined": _("Deze uitnodiging werd intussen al afgewezen."),
        "withdrawn": _("Deze uitnodiging werd intussen ingetrokken door de beheerder."),
    }
    return messages.get(status, _("Deze uitnodiging werd intussen gewijzigd door de beheerder. Bekijk ze opnieuw."))


def accept_invitation(invitation: MembershipInvitation) -> None:
    """The account holder takes the invited roles; commits."""
    _decide(invitation, "accepted")
    user, organisation_id = invitation.user, invitation.organisation_id
    have = user.roles(organisation_id)
    user.memberships.extend(Membership(organisation_id=organisation_id, role=r) for r in sorted(set(invitation.roles) - have))
    db.session.flush()
    db.session.refresh(user)
    record_about_account("user.invitation_accepted", user, organisation_id, roles=sorted(invitation.roles))
    db.session.commit()


def decline_invitation(invitation: MembershipInvitation) -> None:
    """The account holder says no; commits."""
    _decide(invitation, "declined")
    audit.record("user.invitation_declined", invitation.organisation_id, invitation, email=invitation.user.email)
    db.session.commit()


def withdraw_invitation(invitation: MembershipInvitation) -> None:
    """The organisation's administrator takes a pending invitation back; commits."""
    _decide(invitation, "withdrawn")
    audit.record("user.invitation_withdrawn", invitation.organisation_id, invitation, email=invitation.user.email)
    db.session.commit()


def set_roles(organisation: Organisation, user: User, roles: set[str]) -> None:
    """Give ``user`` exactly ``roles`` in ``organisation`` (none: no access, sessions end); at least one admin stays; commits."""
    # Two admins removing each other at the same moment: the second waits here and then sees the first's change.
    lock(organisation)
    db.session.expire(user)
    others_admin = any(
        m.role == "admin" and m.user_id != user.id
        for m in db.session.scalars(select(Membership).where(Membership.organisation_id == organisation.id))
    )
    if "admin" not in roles and not others_admin:
        raise UserError(_("Er moet minstens één beheerder blijven."))
    before = user.roles(organisation.id)
    user.memberships = [m for m in user.memberships if m.organisation_id != organisation.id or m.role in roles]
    user.memberships.extend(Membership(organisation=organisation, role=r) for r in sorted(roles - before))
    db.session.flush()
    if not roles:
        end_sessions(user)
    record_about_account("user.roles", user, organisation.id, before=sorted(before), after=sorted(roles))
    db.session.commit()


def may_get_link(organisation: Organisation, user: User) -> bool:
    """An administrator may hand a set-password link only for an account that never had a password and is only theirs."""
    return user.password_hash is None and user.organisation_ids == {organisation.id}


def set_password(user: User, password: str, was: str | None) -> None:
    """Set the password if it is still the one the link was made for (``was``); end every session; commits.

    PasswordError for a weak password; UserError if the link was used meanwhile.
    """
    check_password_rules(password, user.email, user.name)
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash.is_(None) if was is None else User.password_hash == was)
        .values(password_hash=generate_password_hash(password), session_version=User.session_version + 1)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise UserError(_("Deze link werd intussen al gebruikt."))
    db.session.refresh(user)
    record_about_account("user.password_set", user)
    db.session.commit()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def password_token(user: User) -> str:
    """A one-time token to set a password: it dies once the password changes, or after 7 days."""
    return _serializer().dumps({"user": user.id, "was": (user.password_hash or "")[-16:]})


def user_for_token(token: str) -> User | None:
    """The user a valid, unused token belongs to; None otherwise."""
    try:
        data = _serializer().loads(token, max_age=LINK_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or (user.password_hash or "")[-16:] != data.get("was"):
        return None
    return user
