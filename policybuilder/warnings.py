"""Compliance warnings for the pages (review, step fields, approver's page): computed once per set of answers and day.

Each web process keeps the warnings of the answers it saw lately: moving from step to step without a change
(or between the review page and the steps) does not check the same answers again.
"""
from __future__ import annotations

from datetime import date

from .canonical import content_hash
from .compliance import Finding, findings
from .recent import Recent
from .schema_store import get_schema

_recent = Recent(256)  # (schema, answers hash, language, day) -> the warnings; shared by requests, never changed


def page_warnings(answers: dict, lang: str = "nl") -> list[Finding]:
    """Every warning for ``answers`` as of today, computed once per set of answers (in each process)."""
    today = date.today()
    schema = get_schema()
    return _recent.get((schema, content_hash(answers), lang, today), lambda: findings(schema, answers, lang, today=today))
