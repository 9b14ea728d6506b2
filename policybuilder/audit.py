"""The audit log: every action that changes something, with who, what, when and which object."""
from __future__ import annotations

from flask_login import current_user

from .extensions import db
from .models import AuditEvent


def record(action: str, organisation_id: int | None, obj=None, **detail) -> None:
    """Add an audit event to the session; the caller's commit stores it with the change itself."""
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    db.session.add(
        AuditEvent(
            organisation_id=organisation_id,
            user_id=user_id,
            action=action,
            object_type=type(obj).__name__ if obj is not None else "",
            object_id=getattr(obj, "id", None),
            detail=detail,
        )
    )
