"""Database models. SQL stays portable: SQLite by default, PostgreSQL by URL."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, ForeignKey, String, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


Timestamp = DateTime(timezone=True)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    protocols: Mapped[list["Protocol"]] = relationship(back_populates="organisation")


class StaleRevision(Exception):
    """The draft was saved by someone else since this form was opened."""


class Protocol(db.Model):
    """A protocol's working draft: the answers as JSON, with a revision for optimistic locking."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_steps: Mapped[list] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    organisation: Mapped[Organisation] = relationship(back_populates="protocols")

    @property
    def title(self) -> str:
        return self.answers.get("profile", {}).get("name") or self.organisation.name

    def save_step(self, step: str, step_answers: dict, based_on: int) -> None:
        """Store one step's answers if nobody saved since revision ``based_on``; else raise StaleRevision."""
        answers = {**self.answers, step: step_answers}
        saved = self.saved_steps if step in self.saved_steps else [*self.saved_steps, step]
        # One conditional UPDATE, so two workers cannot both pass the check.
        result = db.session.execute(
            update(Protocol)
            .where(Protocol.id == self.id, Protocol.revision == based_on)
            .values(answers=answers, saved_steps=saved, revision=based_on + 1, updated_at=utcnow())
        )
        if result.rowcount != 1:
            db.session.rollback()
            raise StaleRevision(self.id)
        db.session.commit()
        db.session.refresh(self)
