"""Calendar dates in Belgium: moments are stored in UTC; the date a person reads is the one in Brussels.

The one place that turns a stored moment into a date, so that SQLite (which hands back UTC without a time
zone) and PostgreSQL (which hands back the moment in its session's time zone) give the same date.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def local_date(moment: datetime) -> date:
    """The date in Brussels of a stored moment (a moment without a time zone is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BRUSSELS).date()


def local_today() -> date:
    """Today's date in Brussels, whatever the server's own time zone."""
    return datetime.now(BRUSSELS).date()
