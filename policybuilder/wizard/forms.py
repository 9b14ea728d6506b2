"""WTForms classes generated from the schema: one form per wizard step."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations
from wtforms import (
    BooleanField,
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
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import LARGEST_INTEGER
from ..schema import CONTROL_CHARS, Question, Schema, text

YES_NO = (SelectChoice("yes", _l("Ja")), SelectChoice("no", _l("Nee")))


class SubForm(Form):
    """A form inside a step or editor form (a group row, an overlay); WTForms' own messages in the interface language."""

    class Meta:
        def get_translations(self, form):
            return translations


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RowList(FieldList):
    """A group's rows: every posted row is kept and shown back; more than ``max_rows`` fails validation."""

    def __init__(self, unbound_field, max_rows: int, **kwargs):
        super().__init__(unbound_field, **kwargs)
        self.max_rows = max_rows
        self.overflow: list[list[str]] = []

    def process(self, formdata, data=unset_value, extra_filters=None):
        """Rows past the limit are kept as plain text (shown back, never saved); the rest become fields."""
        self.overflow = []
        indices = sorted(set(self._extract_indices(self.name, formdata))) if formdata else []
        if len(indices) > self.max_rows:
            extra = {index: [] for index in indices[self.max_rows:]}
            for key in formdata:
                index = key[len(self.name) + 1:].split("-", 1)[0]
                if key.startswith(f"{self.name}-") and index.isdigit() and int(index) in extra:
                    extra[int(index)] += [value for value in formdata.getlist(key) if value.strip()]
            self.overflow = list(extra.values())
            self.max_entries = self.max_rows
        super().process(formdata, data, extra_filters)

    def validate(self, form, extra_validators=()) -> bool:
        super().validate(form, extra_validators)
        if self.overflow:
            self.errors.append(too_many_rows(self.max_rows, len(self.entries) + len(self.overflow)))
        return not self.errors


def too_many_rows(limit: int, count: int | None = None) -> str:
    """The Dutch message for a group with more rows than allowed."""
    if count is None:
        return _("Maximaal %(n)s rijen: er kan geen rij meer bij.", n=limit)
    return _("Maximaal %(n)s rijen; niets bewaard. Verwijder %(extra)s rij(en) en bewaar opnieuw.", n=limit, extra=count - limit)


class StepForm(FlaskForm):
    """Base of every step form: the revision the drafter started from."""

    # Never shown; a label of its own spares WTForms loading its message catalogue to make one on every request.
    revision = HiddenField(label="")


class LineField(StringField):
    """A one-line answer; a long one is shown wrapped (a text area) so no text is hidden, newlines become spaces."""


def one_line(value: Any) -> Any:
    """Newlines (from a wrapped one-line field) become single spaces."""
    return re.sub(r"[ \t]*\n\s*", " ", value) if isinstance(value, str) else value


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
        if question.type == "text":
            return LineField(filters=[strip_control_chars, one_line], **common)
        return TextAreaField(filters=[strip_control_chars], **common)
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
    row_form = type(f"Row_{question.id}", (SubForm,), {f.id: _field(f, lang) for f in question.fields})
    # Rows are shown without a label of their own; an empty one spares WTForms loading its catalogue to make one.
    return RowList(FormField(row_form, label=""), max_rows=question.max_items, label=label, description=description)


class StepFormClasses(Mapping):
    """The form class of every step in every language, keyed by (element key, language), each built on first use."""

    def __init__(self, schema: Schema, langs: tuple[str, ...]):
        self._schema, self._langs, self._built = schema, langs, {}

    def __getitem__(self, key: tuple[str, str]) -> type[StepForm]:
        if key not in self._built:
            element_key, lang = key
            if lang not in self._langs:
                raise KeyError(key)
            element = self._schema.element(element_key)
            self._built[key] = type(f"{element.key.title()}Form", (StepForm,), {q.id: _field(q, lang) for q in element.questions})
        return self._built[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([(element.key, lang) for element in self._schema.elements for lang in self._langs])

    def __len__(self) -> int:
        return len(self._schema.elements) * len(self._langs)


def step_form_classes(schema: Schema, langs=("nl", "fr")) -> StepFormClasses:
    """The form class of every step in every language, keyed by (element key, language); built when first asked for."""
    return StepFormClasses(schema, tuple(langs))


def translations_form(typed) -> type[StepForm]:
    """A form with one field per typed answer (``Translation`` items): its translation, held to the answer's rules;
    a stale translation also gets a "still right" checkbox."""
    fields = {}
    for item in typed:
        validators = [Optional(), Length(max=item.question.length_limit)]
        if item.question.type == "text":
            fields[item.field_name] = LineField(item.label, filters=[strip_control_chars, one_line], validators=validators)
        else:
            fields[item.field_name] = TextAreaField(item.label, filters=[strip_control_chars], validators=validators)
        if item.stale:
            fields[item.confirm_name] = BooleanField(_l("De vertaling klopt nog bij het gewijzigde antwoord"))
    return type("TranslationsForm", (StepForm,), fields)


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
    copy_from = RadioField(_l("Overnemen uit een bestaand protocol"), coerce=int, validators=[InputRequired()],
                           description=_l("Bij een sjabloon blijven de antwoorden die de federatie vastlegde zoals ze zijn."))


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
    target = removal(action)
    if question.type == "group" and target and target[0] == question.id:
        return [row for i, row in enumerate(data) if i != target[1]]
    return data


def removal(action: str) -> tuple[str, int] | None:
    """(question id, row index) of a "remove:<question>:<index>" button, else None."""
    kind, _sep, rest = action.partition(":")
    question_id, _sep, index = rest.rpartition(":")
    return (question_id, as_int(index)) if kind == "remove" and question_id else None


def input_id(question: Question, name: str) -> str:
    """The id of the input a link should land on: the field's own, or its first option's."""
    return f"{name}-0" if question.type in ("yesno", "choice", "multichoice") else name


def row_label(group: str, number: int, field: str) -> str:
    """"Interne contactpersonen, rij 6: Telefoon"."""
    return _("%(group)s, rij %(n)s: %(field)s", group=group, n=number, field=field)


def problems(form, element, lang: str):
    """Every field of a step form with errors: (Dutch name, id of its input, id of its field, messages)."""
    for question in element.questions:
        field = form[question.id]
        label = text(question.label, lang)
        if question.type != "group":
            if field.errors:
                yield label, input_id(question, field.id), field.id, list(field.errors)
            continue
        for number, entry in enumerate(field.entries, start=1):
            for sub_question in question.fields:
                sub = entry.form[sub_question.id]
                if sub.errors:
                    name = row_label(label, number, text(sub_question.label, lang))
                    yield name, input_id(sub_question, sub.id), sub.id, list(sub.errors)
        if own := [error for error in field.errors if isinstance(error, str)]:
            yield label, f"q-{question.id}", f"q-{question.id}", own


def error_links(form, element, lang: str) -> list[tuple[str, str]]:
    """(name, input id) of every field with an error, for the summary above the form."""
    return [(name, anchor) for name, anchor, _field_id, _messages in problems(form, element, lang)]


def field_errors(form, element, lang: str) -> dict[str, list[str]]:
    """Field id -> messages, for the autosave script to show beside each field."""
    return {field_id: messages for _name, _anchor, field_id, messages in problems(form, element, lang)}


def as_int(raw) -> int:
    """``raw`` as an integer a database column can hold; -1 for anything else (a revision no save can match)."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return -1
    return number if 0 <= number <= LARGEST_INTEGER else -1
