"""WTForms classes generated from the schema: one form per wizard step."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..schema import CONTROL_CHARS, Question, Schema, text

YES_NO = (SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nee")))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(FlaskForm):
    """Base of every step form: the revision the drafter started from."""

    revision = HiddenField()


def strip_control_chars(value: Any) -> Any:
    """Drop invisible control characters (tab and newlines stay); CRLF becomes LF."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARS.sub("", value.replace("\r\n", "\n"))


def _field(question: Question, lang: str):
    """One WTForms field for ``question``."""
    label = text(question.label, lang)
    description = text(question.help, lang)
    validators = [Optional()]
    common = {"label": label, "description": description, "validators": validators}
    if question.type in ("text", "textarea"):
        validators.append(Length(max=question.length_limit))
        cls = StringField if question.type == "text" else TextAreaField
        return cls(filters=[strip_control_chars], **common)
    if question.type == "number":
        validators.append(NumberRange(min=question.min, max=question.max))
        return IntegerField(**common)
    if question.type == "date":
        return DateField(**common)
    if question.type == "yesno":
        return RadioField(choices=YES_NO, **common)
    choices = [SelectChoice(o.value, text(o.label, lang)) for o in question.options]
    if question.type == "choice":
        return RadioField(choices=choices, **common)
    if question.type == "multichoice":
        return MultiCheckboxField(choices=choices, **common)
    row_form = type(f"Row_{question.id}", (Form,), {f.id: _field(f, lang) for f in question.fields})
    return FieldList(FormField(row_form), label=label, description=description, max_entries=question.max_items)


def step_form_classes(schema: Schema, langs=("nl", "fr")) -> dict[tuple[str, str], type[StepForm]]:
    """The form class of every step in every language, keyed by (element key, language)."""
    return {
        (element.key, lang): type(
            f"{element.key.title()}Form", (StepForm,), {q.id: _field(q, lang) for q in element.questions}
        )
        for element in schema.elements
        for lang in langs
    }


def to_form_data(question: Question, answer: Any) -> Any:
    """Turn a stored JSON answer into what the form field expects."""
    if answer is None:
        return None
    if question.type == "date":
        return _parse_date(answer)
    if question.type == "yesno":
        return "yes" if answer else "no"
    if question.type == "group":
        return [{f.id: to_form_data(f, row.get(f.id)) for f in question.fields} for row in answer]
    return answer


def from_form_data(question: Question, data: Any) -> Any:
    """Turn a validated form field's data into the JSON answer we store."""
    if question.type == "date":
        return data.isoformat() if data else None
    if question.type == "yesno":
        return {"yes": True, "no": False}.get(data)
    if question.type == "multichoice":
        return list(data or [])
    if question.type == "group":
        rows = [{f.id: from_form_data(f, row.get(f.id)) for f in question.fields} for row in data]
        return [row for row in rows if any(v not in (None, "") for v in row.values())]
    return data


def _parse_date(answer: str) -> date | None:
    try:
        return date.fromisoformat(answer)
    except (TypeError, ValueError):
        return None


class NewProtocolForm(FlaskForm):
    """Start a protocol: for which organisation, under which name and sector."""

    organisation = RadioField(_l("Organisatie"), coerce=int, validators=[InputRequired()])
    name = StringField(
        _l("Naam van de organisatie"), filters=[strip_control_chars], validators=[DataRequired(), Length(max=200)]
    )
    sector = RadioField(_l("Sector"), validators=[InputRequired()])
    template = RadioField(_l("Vertrekken van"), coerce=int, validators=[InputRequired()])


def sector_choices(schema: Schema, lang: str) -> list[SelectChoice]:
    """The sectors of the profile question, as form choices."""
    return [SelectChoice(o.value, text(o.label, lang)) for o in schema.question("profile.sector").options]


def ensure_one_row(form, questions) -> None:
    """Show at least one (empty) row for every repeatable group among ``questions``."""
    for question in questions:
        if question.type == "group" and not form[question.id].entries:
            form[question.id].append_entry()


def without_removed_row(question: Question, data, action: str):
    """The group's rows minus the one a "remove:<question>:<index>" button asked to remove."""
    if question.type == "group" and action.startswith(f"remove:{question.id}:"):
        index = as_int(action.rsplit(":", 1)[1])
        return [row for i, row in enumerate(data) if i != index]
    return data


def as_int(raw) -> int:
    """``raw`` as an integer; -1 for anything else (a revision no save can match)."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1
