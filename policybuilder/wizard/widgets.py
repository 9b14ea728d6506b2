"""A form field's control (label or legend, help, errors, input) as HTML, written in Python.

The wizard's step page shows some forty fields; the Jinja macros and WTForms' widgets spent most of the page's
CPU on them. ``control`` writes the same markup in one pass. Widgets it does not know, and fields with their own
``render_kw``, are still rendered by WTForms. Every value is escaped with markupsafe.
"""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from markupsafe import Markup, escape
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, NumberInput, RadioInput, TextArea, TextInput

CHOICE_FIELDS = ("RadioField", "MultiCheckboxField")
# The one-line widgets written here; any other widget (password, file, select, ...) is left to WTForms.
INPUTS = (TextInput, NumberInput, DateInput)
# What the step form asks of an input beyond WTForms' own attributes (as the templates always did).
EXTRA = {"DateField": {"type": "date"}, "IntegerField": {"type": "number", "inputmode": "numeric"}}
# A one-line answer longer than this is shown in a two-row text area, so that no text is hidden.
WRAP_AFTER = 30
# A field of a group row with a longer answer than this takes the row's whole width.
WIDE_AFTER = 24


def control(field, required: bool = False, locked: bool = False) -> Markup:
    """The field's label (a legend for choices), help text, errors and input, tied together for assistive technology."""
    described = describedby(field)
    mark = _words()["required"] if required else ""
    title = f"{escape(field.label.text)}{mark}"
    if field.type in CHOICE_FIELDS:
        aria = f' aria-describedby="{described}"' if described else ""
        return Markup(f'<fieldset class="choices"{aria}>\n<legend>{title}</legend>\n{help_and_errors(field)}'
                      f"{_options(field, locked)}</fieldset>")
    attrs = {"aria-describedby": described or False, "aria-invalid": "true" if field.errors else False,
             "aria-required": "true" if required else False, "disabled": locked}
    return Markup(f'<label for="{escape(field.id)}">{title}</label>\n{help_and_errors(field)}{_input(field, attrs)}')


def group_row(row, question, number: int, locked: bool = False) -> Markup:
    """Row ``number`` (from 1) of a group: its fields side by side, a wide one (a text area, a long answer) on its
    own line, and the button that removes the row unless the group is locked."""
    words = _words()
    fields = []
    for sub_question in question.fields:
        sub = row.form[sub_question.id]
        wide = sub_question.type == "textarea" or len(str(sub.data or "")) > WIDE_AFTER
        classes = f'field{" has-error" if sub.errors else ""}{" wide" if wide else ""}'
        fields.append(f'<div class="{classes}">{control(sub, sub_question.required, locked)}</div>\n')
    remove = "" if locked else (f'<button type="submit" class="secondary small" name="nav" value="remove:{escape(question.id)}:'
                                f'{number - 1}">{escape(words["remove"] % {"number": number})}</button>\n')
    return Markup(f'<fieldset class="row">\n<legend>{escape(words["row"] % {"number": number})}</legend>\n'
                  f'{"".join(fields)}{remove}</fieldset>')


def _words() -> dict[str, str]:
    """The words every field or row repeats, translated once per request."""
    if "field_words" not in g:
        g.field_words = {
            "required": f' <span class="req">{escape(_("(verplicht)"))}</span>',
            # Formatted per row below: gettext without arguments leaves the placeholder in the translation.
            "row": _("Rij %(number)s"),
            "remove": _("Rij %(number)s verwijderen"),
        }
    return g.field_words


def describedby(field) -> Markup:
    """The ids of the field's help text and error message, for aria-describedby ("" when it has neither)."""
    help_id = f"{escape(field.id)}-help" if field.description else ""
    error_id = f"{escape(field.id)}-error" if field.errors else ""
    return Markup(f"{help_id} {error_id}".strip())


def help_and_errors(field) -> Markup:
    """The field's help text and error messages, each with the id aria-describedby names."""
    parts = []
    if field.description:
        parts.append(f'<p class="help" id="{escape(field.id)}-help">{escape(field.description)}</p>\n')
    if field.errors:
        messages = "".join(f"{escape(error)} " for error in field.errors)
        parts.append(f'<p class="error" id="{escape(field.id)}-error">{messages}</p>\n')
    return Markup("".join(parts))


def _input(field, attrs: dict) -> str:
    """The field's own control: a text area, a wrapped one-line answer, an input, or whatever WTForms makes of it."""
    if field.type == "TextAreaField":
        typed = str(field.data or "")
        attrs = {"rows": min(max(len(typed) // 60 + typed.count("\n") + 2, 4), 16), **attrs}
    elif field.type == "LineField" and len(str(field.data or "")) > WRAP_AFTER:
        shown = "".join(f" {name}" if value is True else f' {name}="{escape(value)}"' for name, value in attrs.items() if value)
        return (f'<textarea class="one-line" id="{escape(field.id)}" name="{escape(field.name)}" rows="2"{shown}>\n'
                f"{escape(field._value())}</textarea>")
    else:
        attrs = {**EXTRA.get(field.type, {}), **attrs}
    widget = type(field.widget)
    if field.render_kw or not (widget is TextArea or widget in INPUTS):
        return str(field(**attrs))
    if widget is TextArea:
        return f'<textarea {html_params(field, {"id": field.id, **attrs})}>\r\n{escape(field._value())}</textarea>'
    attrs = {"id": field.id, "type": field.widget.input_type, **attrs}
    attrs.setdefault("value", field._value())
    return f"<input {html_params(field, attrs)}>"


def _options(field, locked: bool) -> str:
    """One radio button or checkbox with its label per choice, checked where the field's data says so."""
    if field.render_kw or type(field.widget) is not ListWidget or type(field.option_widget) not in (RadioInput, CheckboxInput):
        return "".join(f'<div class="choice">{option(disabled=locked)} {option.label()}</div>\n' for option in field)
    parts = []
    for number, choice in enumerate(field.iter_choices()):
        option_id = f"{field.id}-{number}"
        attrs = {"id": option_id, "type": field.option_widget.input_type, "value": str(choice.value), "disabled": locked}
        if choice.selected:
            attrs["checked"] = True
        label = choice.label or choice.value
        parts.append(f'<div class="choice"><input {html_params(field, attrs, field.option_widget)}> '
                     f'<label for="{escape(option_id)}">{escape(label)}</label></div>\n')
    return "".join(parts)


def html_params(field, attrs: dict, widget=None) -> str:
    """The attributes of ``field``'s input (or of one of its options' ``widget``) as WTForms writes them: with the
    flags its validators set (maxlength, min, ...), sorted by name, ``True`` as a bare name, ``False`` left out,
    every value escaped."""
    flags = vars(field.flags)
    for name in (widget or field.widget).validation_attrs:
        if name not in attrs and name in flags:
            value = flags[name]
            attrs[name] = value() if callable(value) else value
    attrs["name"] = field.name
    return " ".join(name if value is True else f'{name}="{escape(value)}"'
                    for name, value in sorted(attrs.items()) if value is not False)
