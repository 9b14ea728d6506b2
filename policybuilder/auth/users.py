"""Making users and their memberships; one place for the rules on e-mail and password."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import Membership, Organisation, User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
LINK_MAX_AGE = 7 * 24 * 3600


class UserError(ValueError):
    """A user cannot be made or changed as asked; the message says why, in Dutch."""


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; UserError if it does not look like an e-mail address."""
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise UserError(_("Dit is geen geldig e-mailadres."))
    return email


def check_password_rules(password: str) -> None:
    """UserError unless the password is long enough."""
    if len(password or "") < MIN_PASSWORD:
        raise UserError(_("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD))


def find_user(email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email, name, organisation_name, sector, roles, password=None, kind="organisation") -> User:
    """A new user with ``roles`` in the named organisation (made, of ``kind``, if new); commits."""
    email = normalise_email(email)
    if password is not None:
        check_password_rules(password)
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


def add_member(organisation: Organisation, email: str, name: str, roles: set[str]) -> User:
    """Give ``roles`` in ``organisation`` to the user with ``email``, making the user if new; commits."""
    email = normalise_email(email)
    if not roles:
        raise UserError(_("Kies minstens één rol."))
    user = find_user(email) or User(email=email, name=name.strip())
    have = user.roles(organisation.id) if user.id else set()
    user.memberships.extend(Membership(organisation=organisation, role=r) for r in sorted(roles - have))
    db.session.add(user)
    db.session.flush()
    audit.record("user.add", organisation.id, user, email=email, roles=sorted(roles))
    db.session.commit()
    return user


def set_roles(organisation: Organisation, user: User, roles: set[str]) -> None:
    """Give ``user`` exactly ``roles`` in ``organisation`` (none: no access); at least one admin stays; commits."""
    others_admin = any(
        m.role == "admin" and m.user_id != user.id
        for m in db.session.scalars(select(Membership).where(Membership.organisation_id == organisation.id))
    )
    if "admin" not in roles and not others_admin:
        raise UserError(_("Er moet minstens één beheerder blijven."))
    before = user.roles(organisation.id)
    user.memberships = [m for m in user.memberships if m.organisation_id != organisation.id or m.role in roles]
    user.memberships.extend(Membership(organisation=organisation, role=r) for r in sorted(roles - before))
    audit.record("user.roles", organisation.id, user, before=sorted(before), after=sorted(roles))
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
