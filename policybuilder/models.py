"""Database models. SQL stays portable: SQLite by default, PostgreSQL by URL."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint, event, inspect, update
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from .canonical import content_hash
from .extensions import db

ROLES = ("drafter", "approver", "admin", "federation_editor")
# The largest value an integer column (ids, revisions, version numbers) holds on PostgreSQL; SQLite's reach further.
# A number from a URL or a form beyond it names no row: it is turned away before the database driver fails on it.
LARGEST_INTEGER = 2**31 - 1


Timestamp = DateTime(timezone=True)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Organisation(db.Model):
    """A member organisation, or a federation (kind "federation") that publishes templates."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="organisation")
    # A one-person organisation may let the drafter approve their own submission; the document says so.
    allow_self_approval: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    protocols: Mapped[list["Protocol"]] = relationship(back_populates="organisation")
    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    """A person who logs in; what they may do depends on their role in each organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of every session's id: raising it ends every session of this account.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The interface language the person chose ("nl" or "fr"); none chosen: the browser's, else Dutch.
    locale: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    # How many invitations wait for this person's answer: read in the same query as the logged-in user (auth.load_user),
    # None wherever a User is loaded otherwise.
    waiting_invitations: Mapped[int | None] = query_expression()

    def get_id(self) -> str:
        """The session's id: "<id>:<session version>", so an older session or remember cookie no longer loads."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True if ``password`` matches; always False before a password was set."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def roles(self, organisation_id: int) -> set[str]:
        """The user's roles in one organisation (empty if not a member)."""
        return {m.role for m in self.memberships if m.organisation_id == organisation_id}

    @property
    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.memberships}


class Membership(db.Model):
    """One role of one user in one organisation."""

    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class MembershipInvitation(db.Model):
    """An organisation's offer of roles to an existing account; only the account holder accepts or declines it."""

    # One row per organisation and account: inviting again reopens it.
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    roles: Mapped[list] = mapped_column(JSON)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, accepted, declined, withdrawn
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class StaleRevision(Exception):
    """The draft was saved by someone else since this form was opened."""


def update_at_revision(row, based_on: int, **values) -> None:
    """Stage ``values`` and the next revision on ``row`` if its revision is still ``based_on``; else StaleRevision.

    One conditional UPDATE, so two people (or two workers) cannot both pass the check. ``row`` then holds what was
    written without reading it back; a relationship that follows a written key is read again when next used.
    """
    values = {"revision": based_on + 1, **values}
    _update_at(row, based_on, **values)
    for key, value in values.items():
        set_committed_value(row, key, value)
    followed = [rel.key for rel in inspect(type(row)).relationships if any(column.key in values for column in rel.local_columns)]
    if followed:
        db.session.expire(row, followed)


def lock_at_revision(row, based_on: int) -> None:
    """Hold ``row`` until this transaction ends if its revision is still ``based_on``; else StaleRevision.

    A conditional UPDATE that changes nothing: a simultaneous second request waits here until the first
    commits, then reads what the first did (``row`` is expired, so it is read again).
    """
    _update_at(row, based_on, revision=based_on)
    db.session.expire(row)


def lock(row) -> None:
    """Hold ``row`` until this transaction ends: a simultaneous second request waits here, then reads what the first did."""
    model = type(row)
    db.session.execute(update(model).where(model.id == row.id).values(id=row.id))
    db.session.expire(row)


def _update_at(row, based_on: int, **values) -> None:
    """The conditional UPDATE; the callers bring ``row`` up to date themselves (no ORM synchronisation: it costs more)."""
    model = type(row)
    statement = update(model).where(model.id == row.id, model.revision == based_on).values(**values)
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise StaleRevision(row.id)


class Protocol(db.Model):
    """A protocol's working draft: the answers as JSON, with a revision for optimistic locking."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_steps: Mapped[list] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(default=1)
    # The sector template version the protocol started from or last took an update of.
    template_version_id: Mapped[int | None] = mapped_column(ForeignKey("template_version.id"))
    # The group row the last save removed: {"revision", "step", "question", "index", "row"}; undoable at that revision.
    removed_row: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    organisation: Mapped[Organisation] = relationship(back_populates="protocols")
    template_version: Mapped["TemplateVersion | None"] = relationship()
    versions: Mapped[list["ProtocolVersion"]] = relationship(back_populates="protocol", order_by="ProtocolVersion.number")

    @property
    def title(self) -> str:
        return self.answers.get("profile", {}).get("name") or self.organisation.name

    def save_step(self, step: str, step_answers: dict, based_on: int, removed_row: dict | None = None,
                  others: dict | None = None) -> None:
        """Stage one step's answers if nobody saved since revision ``based_on``; else raise StaleRevision.

        ``removed_row`` records a group row this save removed, so it can be put back at the new revision.
        ``others``: the rest of the answers when the save changes them too (translations following moved rows).
        The caller commits, together with its audit event.
        """
        saved = self.saved_steps if step in self.saved_steps else [*self.saved_steps, step]
        undo = {**removed_row, "revision": based_on + 1} if removed_row else None
        self.save_answers({**(self.answers if others is None else others), step: step_answers}, based_on,
                          saved_steps=saved, removed_row=undo)

    def save_answers(self, answers: dict, based_on: int, **values) -> None:
        """Stage all answers (and other column ``values``) if the revision is still ``based_on``; else StaleRevision."""
        update_at_revision(self, based_on, answers=answers, updated_at=utcnow(), **values)


class ImmutableRecord(Exception):
    """An approved version or an approval cannot be changed or deleted."""


class ProtocolVersion(db.Model):
    """An exact, frozen copy of a protocol's answers, submitted for approval."""

    __table_args__ = (UniqueConstraint("protocol_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocol.id"))
    number: Mapped[int]
    answers: Mapped[dict] = mapped_column(JSON)
    template_version_id: Mapped[int | None] = mapped_column(ForeignKey("template_version.id"))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")  # submitted, returned, approved, superseded
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    protocol: Mapped[Protocol] = relationship(back_populates="versions")
    template_version: Mapped["TemplateVersion | None"] = relationship()
    submitted_by: Mapped[User] = relationship()
    approvals: Mapped[list["Approval"]] = relationship(back_populates="version", order_by="Approval.id")

    @staticmethod
    def hash_of(protocol_id: int, number: int, answers: dict, template_version_id: int | None) -> str:
        """The SHA-256 that identifies this exact version wherever its document travels."""
        return content_hash(
            {"protocol": protocol_id, "number": number, "answers": answers, "template_version": template_version_id}
        )

    @property
    def approval(self) -> "Approval | None":
        """The approval decision, if this version was approved."""
        return next((a for a in self.approvals if a.decision == "approved"), None)


class Approval(db.Model):
    """A decision on a submitted version by management: approved, or returned with a comment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("protocol_version.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decision: Mapped[str] = mapped_column(String(20))  # approved, returned
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    consultation_note: Mapped[str] = mapped_column(Text, default="")
    consultation_date: Mapped[date | None]
    in_force_date: Mapped[date | None]
    next_review_date: Mapped[date | None]
    self_approved: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    version: Mapped[ProtocolVersion] = relationship(back_populates="approvals")
    user: Mapped[User] = relationship()


class DocumentFingerprint(db.Model):
    """What an approved version's .docx or .pdf holds, recorded once: verify compares with it instead of rendering again."""

    __table_args__ = (UniqueConstraint("version_id", "format", "lang"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("protocol_version.id"))
    format: Mapped[str] = mapped_column(String(10))  # docx or pdf
    lang: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")  # the document's language
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)  # what it shows: a PDF's drawn pages, a Word file's text
    text_sha256: Mapped[str] = mapped_column(String(64))  # of the text with white space folded
    pages: Mapped[int | None]  # PDF only
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    version: Mapped[ProtocolVersion] = relationship()


class SectorTemplate(db.Model):
    """A federation's template: the draft of its next version, and its published versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # the federation
    name: Mapped[str] = mapped_column(String(200))
    draft: Mapped[dict] = mapped_column(JSON)  # template JSON (schemas/template.schema.json) being edited
    draft_logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    organisation: Mapped[Organisation] = relationship()
    versions: Mapped[list["TemplateVersion"]] = relationship(back_populates="template", order_by="TemplateVersion.number")

    @property
    def latest(self) -> "TemplateVersion | None":
        return self.versions[-1] if self.versions else None


class TemplateVersion(db.Model):
    """A published, immutable version of a sector template."""

    __table_args__ = (UniqueConstraint("template_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("sector_template.id"))
    number: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)  # template JSON with "version": number
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    release_notes: Mapped[str] = mapped_column(Text, default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    template: Mapped[SectorTemplate] = relationship(back_populates="versions")


class AuditEvent(db.Model):
    """Who changed what, when: one row per action."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    user: Mapped[User | None] = relationship()


FROZEN_STATUSES = ("approved", "superseded")


@event.listens_for(ProtocolVersion, "before_update")
def _keep_versions_frozen(mapper, connection, version: ProtocolVersion) -> None:
    """Only a version's status may change, and an approved one only to superseded."""
    state = inspect(version)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed - {"status", "approvals"}:
        raise ImmutableRecord(f"version {version.id}: {', '.join(sorted(changed))} cannot change")
    before = state.attrs.status.history.deleted
    if before and before[0] in FROZEN_STATUSES and (before[0], version.status) != ("approved", "superseded"):
        raise ImmutableRecord(f"version {version.id} is {before[0]} and cannot become {version.status}")


@event.listens_for(ProtocolVersion, "before_delete")
def _never_delete_versions(mapper, connection, version: ProtocolVersion) -> None:
    raise ImmutableRecord(f"version {version.id} cannot be deleted")


@event.listens_for(Approval, "before_update")
@event.listens_for(Approval, "before_delete")
@event.listens_for(TemplateVersion, "before_update")
@event.listens_for(TemplateVersion, "before_delete")
@event.listens_for(DocumentFingerprint, "before_update")
@event.listens_for(DocumentFingerprint, "before_delete")
def _keep_records_frozen(mapper, connection, record) -> None:
    raise ImmutableRecord(f"{type(record).__name__} {record.id} cannot be changed or deleted")
