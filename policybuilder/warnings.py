"""Compliance warnings for the pages (review, step fields, approver's page): computed once per request."""
from __future__ import annotations

from datetime import date

from flask import g

from .compliance import Finding, findings
from .schema_store import get_schema


def page_warnings(answers: dict, lang: str = "nl") -> list[Finding]:
    """Every warning for ``answers`` as of today, computed once per request and set of answers."""
    cache = g.setdefault("compliance_warnings", {})
    key = (id(answers), lang)
    if key not in cache:
        cache[key] = (answers, findings(get_schema(), answers, lang, today=date.today()))
    return cache[key][1]


def field_warnings(answers: dict, element_key: str, question_id: str, lang: str = "nl") -> list[str]:
    """The warnings about one question, for showing beside its field."""
    ref = f"{element_key}.{question_id}"
    return [finding.message for finding in page_warnings(answers, lang) if finding.field == ref]
