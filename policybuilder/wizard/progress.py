"""Where a protocol stands: which steps are saved, complete, and what is still missing, to the field."""
from __future__ import annotations

from dataclasses import dataclass

from ..answers import is_empty, missing, value
from ..models import Protocol
from ..schema import Question, Schema, text
from .forms import input_id, row_label


@dataclass(frozen=True)
class MissingAnswer:
    """One required answer still empty: a question, or one field of a group row (``row`` counted from 1)."""

    question: Question
    row: int | None = None
    field: Question | None = None

    @property
    def anchor(self) -> str:
        """The id of the input to fill in on the step page."""
        if self.question.type != "group":
            return input_id(self.question, self.question.id)
        field = self.field or self.question.fields[0]
        return input_id(field, f"{self.question.id}-{(self.row or 1) - 1}-{field.id}")


@dataclass(frozen=True)
class StepState:
    key: str
    number: int
    saved: bool
    missing: tuple[MissingAnswer, ...]

    @property
    def complete(self) -> bool:
        return self.saved and not self.missing


def step_states(schema: Schema, protocol: Protocol) -> list[StepState]:
    """The state of every step, in wizard order, numbered from 1."""
    return [
        StepState(
            key=element.key,
            number=number,
            saved=element.key in protocol.saved_steps,
            missing=tuple(missing_answers(schema, protocol.answers, element.key)),
        )
        for number, element in enumerate(schema.elements, start=1)
    ]


def missing_answers(schema: Schema, answers: dict, key: str) -> list[MissingAnswer]:
    """Every required answer of step ``key`` that is still empty, down to the field of a group row."""
    found = []
    for gap in missing(schema, answers, key):
        if not gap.rows:
            found.append(MissingAnswer(gap.question))
            continue
        rows = value(schema, answers, f"{key}.{gap.question.id}")
        for number in gap.rows:
            row = rows[number - 1]
            found += [
                MissingAnswer(gap.question, number, field)
                for field in gap.question.fields
                if field.required and is_empty(row.get(field.id))
            ]
    return found


def missing_label(gap: MissingAnswer, lang: str) -> str:
    """The missing answer named to the field: "Interne contactpersonen, rij 6: Telefoon"."""
    label = text(gap.question.label, lang)
    return row_label(label, gap.row, text(gap.field.label, lang)) if gap.field else label


def neighbour(schema: Schema, key: str, offset: int) -> str | None:
    """The key of the step ``offset`` places from ``key``, or None past either end."""
    index = schema.keys.index(key) + offset
    return schema.keys[index] if 0 <= index < len(schema.keys) else None
