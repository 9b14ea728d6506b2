"""A member protocol's sector template in the wizard: what is fixed, what the federation suggests."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..federation.store import template_of
from ..models import Protocol, SectorTemplate, TemplateVersion
from ..schema import Element, Schema
from ..sector import MergeResult, QuestionOverlay, Template, check_locked, template_value
from .forms import strip_control_chars

FIXED = ("locked", "hidden")


@dataclass(frozen=True)
class StepTemplate:
    """The template's word on one step: its overlays per question id."""

    template: Template
    overlays: dict[str, QuestionOverlay]

    def fixed(self) -> set[str]:
        return {qid for qid, overlay in self.overlays.items() if overlay.state in FIXED}


def step_template(protocol: Protocol, element: Element, schema: Schema) -> StepTemplate | None:
    """The template overlays for one step of ``protocol``, or None without a template."""
    if protocol.template_version is None:
        return None
    template = template_of(protocol.template_version, schema)
    prefix = f"{element.key}."
    overlays = {ref[len(prefix):]: o for ref, o in template.questions.items() if ref.startswith(prefix)}
    return StepTemplate(template, overlays)


def enforce_fixed(step: StepTemplate, element: Element, schema: Schema, answers: dict, posted, lang: str) -> list[str]:
    """Put the template's values (in the answers' language ``lang``) in place of locked and hidden answers; the refs
    a POST tried to change."""
    fixed = step.fixed()
    sent = {qid: answers[qid] for qid in fixed if qid in posted or any(k.startswith(f"{qid}-") for k in posted)}
    refused = check_locked(step.template, element.key, sent, schema, lang)
    for qid in fixed:
        answers[qid] = template_value(step.template, schema, f"{element.key}.{qid}", lang)
    return refused


def published_templates() -> list[TemplateVersion]:
    """The latest published version of every sector template, by federation and name."""
    templates = db.session.scalars(select(SectorTemplate).order_by(SectorTemplate.name)).all()
    return [t.latest for t in templates if t.latest is not None]


def newer_version(protocol: Protocol) -> TemplateVersion | None:
    """The template's latest version if it is newer than the one the protocol uses."""
    current = protocol.template_version
    latest = current.template.latest if current else None
    return latest if latest is not None and latest.number > current.number else None


def merge_choices(result: MergeResult, posted) -> dict:
    """The drafter's choice per conflict: their own text, the federation's new text, or an edited text."""
    choices = {}
    for conflict in result.conflicts:
        choice = posted.get(f"choice-{conflict.ref}")
        if choice == "mine":
            choices[conflict.ref] = conflict.mine
        elif choice == "theirs":
            choices[conflict.ref] = conflict.new
        elif choice == "edit":
            choices[conflict.ref] = strip_control_chars(posted.get(f"text-{conflict.ref}", ""))
    return choices
