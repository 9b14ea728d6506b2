"""The date of an approval is its date in Brussels: stored in UTC, turned into a date in one place, the same on
SQLite and on PostgreSQL whatever the database session's time zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from policybuilder.dates import local_date
from policybuilder.documents.files import version_meta
from policybuilder.extensions import db
from policybuilder.models import Approval, ProtocolVersion

# 23:30 UTC on Saturday 28 March 2026 is 00:30 on Sunday 29 March in Brussels (winter time, UTC+1);
# 22:30 UTC on 31 October 2026 is 23:30 in Brussels, still the 31st (winter time again since that night).
MOMENTS = [
    (datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc), date(2026, 3, 29)),
    (datetime(2026, 10, 31, 22, 30, tzinfo=timezone.utc), date(2026, 10, 31)),
    (datetime(2026, 7, 1, 21, 59, tzinfo=timezone.utc), date(2026, 7, 1)),  # summer time: 23:59
    (datetime(2026, 7, 1, 22, 0, tzinfo=timezone.utc), date(2026, 7, 2)),  # 00:00 on the 2nd
]


@pytest.mark.parametrize(("moment", "expected"), MOMENTS)
def test_a_moment_is_dated_in_brussels_with_or_without_its_time_zone(moment, expected):
    assert local_date(moment) == expected
    assert local_date(moment.replace(tzinfo=None)) == expected  # SQLite hands back UTC without a time zone
    assert local_date(moment.astimezone(timezone(timedelta(hours=14)))) == expected  # PostgreSQL: the session's zone
    assert local_date(moment.astimezone(timezone(timedelta(hours=-10)))) == expected


@pytest.fixture
def far_session_zone(app):
    """On PostgreSQL, database sessions in a time zone far from UTC (UTC+14); SQLite has no session time zone."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            def far(dbapi_connection, _record):
                with dbapi_connection.cursor() as cursor:
                    cursor.execute("SET TIME ZONE 'Pacific/Kiritimati'")
                dbapi_connection.commit()

            event.listen(engine, "connect", far)
            engine.dispose()
    return app


@pytest.mark.parametrize(("moment", "expected"), MOMENTS)
def test_the_document_dates_an_approval_in_brussels(far_session_zone, make_protocol, drafter, approver, moment, expected):
    app = far_session_zone
    protocol_id = make_protocol()
    with app.app_context():
        version = ProtocolVersion(protocol_id=protocol_id, number=1, answers={}, content_hash="ab" * 32, status="approved",
                                  submitted_by_id=drafter, submitted_at=moment - timedelta(hours=1))
        db.session.add(version)
        db.session.add(Approval(version=version, user_id=approver, decision="approved", name="Mieke Janssens",
                                function="Directeur", created_at=moment, next_review_date=date(2027, 1, 1)))
        db.session.commit()
    with app.app_context():
        version = db.session.query(ProtocolVersion).filter_by(protocol_id=protocol_id).one()
        if db.engine.dialect.name == "postgresql":  # the moment comes back in the session's zone, not in UTC
            assert version.approval.created_at.utcoffset() == timedelta(hours=14)
        assert version_meta(version).date == expected
