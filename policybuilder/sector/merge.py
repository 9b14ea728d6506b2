"""Taking in a new template version: a three-way merge per question, and a word diff to show conflicts."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from ..answers import answers_language
from ..answers import value as answer_value
from ..schema import Schema
from .errors import MergeError
from .template import FIXED_STATES, Template, set_answer, state, template_value, valued_refs

@dataclass(frozen=True)
class Conflict:
    """Both the federation and the member changed ``ref``, to different values."""

    ref: str
    old: Any  # the old template's value
    new: Any  # the new template's value
    mine: Any  # the member's answer


@dataclass(frozen=True)
class MergeResult:
    """The merged answers (conflicts still hold the member's value) and what happened per question."""

    answers: dict
    taken: list[str]  # the new template value was taken
    kept: list[str]  # the member's own answer stays; the federation did not change this question
    conflicts: list[Conflict]


def merge(old: Template, new: Template, answers: dict, schema: Schema) -> MergeResult:
    """Three-way merge of the member's ``answers`` from template version ``old`` to ``new``.

    The template's wording is compared and taken in the answers' language; a document in the other language finds
    the new version's own wording for it (``extend_schema``), so a member taking an update gets both languages.
    """
    merged = copy.deepcopy(answers)
    taken, kept, conflicts = [], [], []
    lang = answers_language(schema, answers)
    for ref in sorted(valued_refs(old) | valued_refs(new)):
        before, after = template_value(old, schema, ref, lang), template_value(new, schema, ref, lang)
        mine = answer_value(schema, answers, ref, lang)
        if mine != after:
            if state(new, ref) in FIXED_STATES or mine == before:
                taken.append(ref)
                mine = after
            elif before == after:
                kept.append(ref)
            else:
                conflicts.append(Conflict(ref, before, after, mine))
        set_answer(merged, ref, copy.deepcopy(mine))
    return MergeResult(merged, taken, kept, conflicts)


def resolve(result: MergeResult, choices: dict[str, Any]) -> dict:
    """The merged answers with each conflict settled by the drafter's choice; MergeError if any is left."""
    open_refs = {conflict.ref for conflict in result.conflicts}
    problems = [f"{ref}: " + _("kies een tekst voor dit conflict") for ref in sorted(open_refs - choices.keys())]
    problems += [f"{ref}: " + _("er is hier geen conflict om op te lossen") for ref in sorted(choices.keys() - open_refs)]
    if problems:
        raise MergeError(problems)
    answers = copy.deepcopy(result.answers)
    for ref, chosen in choices.items():
        set_answer(answers, ref, copy.deepcopy(chosen))
    return answers
