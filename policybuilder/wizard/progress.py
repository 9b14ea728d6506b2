"""Where a protocol stands: which steps are saved, complete, and what is still missing."""
from __future__ import annotations

from dataclasses import dataclass

from ..answers import Gap, missing
from ..models import Protocol
from ..schema import Schema


@dataclass(frozen=True)
class StepState:
    key: str
    number: int
    saved: bool
    missing: tuple[Gap, ...]

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
            missing=tuple(missing(schema, protocol.answers, element.key)),
        )
        for number, element in enumerate(schema.elements, start=1)
    ]


def neighbour(schema: Schema, key: str, offset: int) -> str | None:
    """The key of the step ``offset`` places from ``key``, or None past either end."""
    index = schema.keys.index(key) + offset
    return schema.keys[index] if 0 <= index < len(schema.keys) else None
