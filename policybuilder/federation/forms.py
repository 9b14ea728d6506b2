"""Forms of the federation editor."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..schema import Element, Question, text
from ..sector.template import text_limits
from ..wizard.forms import LineField, SubForm, one_line, strip_control_chars
from .store import FONTS

STATES = (
    SelectChoice("open", _l("Open: leden mogen het antwoord aanpassen")),
    SelectChoice("locked", _l("Vergrendeld: leden zien dit antwoord en kunnen het niet aanpassen")),
    SelectChoice("hidden", _l("Verborgen: leden krijgen de vraag niet, dit antwoord geldt")),
)
BASIS = (
    SelectChoice("law", _l("Wet of decreet")),
    SelectChoice("sector", _l("Sectorafspraak")),
    SelectChoice("good_practice", _l("Goede praktijk")),
)
CLEAN = [strip_control_chars]
DUTCH, FRENCH = _l("Nederlands"), _l("Français")  # the two fields of one text, side by side
# What each pair of fields is, shown above the pair: (title, explanation).
PAIRS = {
    "suggestion": (_l("Suggestie voor de leden (optioneel)"),
                   _l("Een voorbeeldtekst die leden naast de vraag zien en zelf kunnen overnemen; anders dan het antwoord hierboven komt hij niet vanzelf in hun protocol.")),
    "help": (_l("Hulp voor leden (optioneel)"), _l("Extra uitleg die leden bij deze vraag in hun wizard lezen, onder de uitleg van policybuilder.")),
    "heading": (_l("Titel (optioneel)"), None),
    "text": (_l("Tekst van de bepaling"),
             _l("Gewone tekst. Een code tussen accolades, zoals {profile.name}, wordt in het document van elk lid vervangen door zijn antwoord op die vraag; kies de code hieronder. De Franse tekst gebruikt dezelfde codes.")),
}
LIMITS = text_limits()  # the same limits as template.json, so the editor never saves what an import would refuse


def _optional_text(label, max_length: int, description=None) -> TextAreaField:
    return TextAreaField(label, description=description, filters=CLEAN, validators=[Optional(), Length(max=max_length)])


class DraftForm(FlaskForm):
    """Base of every form that changes a draft: the revision the editor started from."""

    revision = HiddenField()


class NewTemplateForm(FlaskForm):
    name = StringField(_l("Naam van het nieuwe sjabloon"), filters=CLEAN, validators=[DataRequired(), Length(max=LIMITS["name"])])


class ImportForm(FlaskForm):
    package = FileField(_l("Sjabloonpakket (.pbt)"), validators=[FileRequired()],
                        description=_l("Een pakket dat policybuilder exporteerde. Alles wordt eerst gecontroleerd; bij een fout wordt niets bewaard."))


class OverlayForm(SubForm):
    """What the template says about one question, next to its default answer; each text in Dutch and French."""

    state = RadioField(_l("Voor de leden"), choices=STATES, default="open", validators=[InputRequired()])
    suggestion = _optional_text(DUTCH, LIMITS["text"])
    suggestion_fr = _optional_text(FRENCH, LIMITS["text"])
    help = _optional_text(DUTCH, LIMITS["text"])
    help_fr = _optional_text(FRENCH, LIMITS["text"])


def overlay_form_class(element: Element, lang: str = "nl") -> type[Form]:
    """One OverlayForm per question of ``element`` (rendered with prefix "tpl", so no name meets a question id)."""
    fields = {q.id: FormField(OverlayForm, label=text(q.label, lang)) for q in element.questions}
    return type(f"{element.key.title()}Overlays", (SubForm,), fields)


def _french_field(question: Question):
    """The French wording of a text question or group field, labelled with its French question."""
    validators = [Optional(), Length(max=question.length_limit)]
    if question.type == "text":
        return LineField(text(question.label, "fr"), filters=[strip_control_chars, one_line], validators=validators)
    return TextAreaField(text(question.label, "fr"), filters=CLEAN, validators=validators)


def french_form_class(questions: tuple[Question, ...], name: str) -> type[Form]:
    """The French of the wording among ``questions``: a field per translated text question, per group its rows' translated fields.

    Rendered with prefix "fr"; the rows of a group follow the Dutch rows one to one.
    """
    fields = {}
    for question in questions:
        if question.translatable:
            fields[question.id] = _french_field(question)
        elif translated := [f for f in question.fields if f.translatable]:
            row = type(f"French_{question.id}", (SubForm,), {f.id: _french_field(f) for f in translated})
            fields[question.id] = FieldList(FormField(row), label=text(question.label, "fr"), max_entries=question.max_items)
    return type(f"{name.title()}French", (SubForm,), fields)


class ClauseForm(DraftForm):
    heading = StringField(DUTCH, filters=CLEAN, validators=[Optional(), Length(max=LIMITS["heading"])])
    heading_fr = StringField(FRENCH, filters=CLEAN, validators=[Optional(), Length(max=LIMITS["heading"])])
    text = TextAreaField(DUTCH, filters=CLEAN, validators=[DataRequired(), Length(max=LIMITS["text"])])
    text_fr = TextAreaField(FRENCH, filters=CLEAN, validators=[Optional(), Length(max=LIMITS["text"])])
    basis = RadioField(_l("Grondslag"), choices=BASIS, default="sector", validators=[InputRequired()])
    reference = StringField(_l("Verwijzing (optioneel)"), filters=CLEAN, validators=[Optional(), Length(max=LIMITS["reference"])],
                            description=_l("Bijvoorbeeld: art. 32quater van de welzijnswet, of de naam van de sectorafspraak."))


class StyleForm(DraftForm):
    logo = FileField(_l("Nieuw logo (PNG of SVG, hoogstens 1 MB)"), validators=[Optional()])
    remove_logo = BooleanField(_l("Logo verwijderen"))
    primary_colour = StringField(_l("Hoofdkleur"), validators=[DataRequired(), Regexp(r"^#[0-9A-Fa-f]{6}$", message=_l("Kies een kleur zoals #1F4E79."))])
    font = SelectField(_l("Lettertype"), choices=[SelectChoice(font, font) for font in FONTS])
    cover_text = _optional_text(_l("Tekst op de voorpagina (optioneel)"), LIMITS["cover_text"])
    footer_text = StringField(_l("Tekst in de voettekst (optioneel)"), filters=CLEAN, validators=[Optional(), Length(max=LIMITS["footer_text"])])


class PublishForm(DraftForm):
    release_notes = TextAreaField(_l("Wat is er nieuw in deze versie?"), filters=CLEAN, validators=[DataRequired(), Length(max=LIMITS["release_notes"])],
                                  description=_l("De leden lezen dit wanneer ze de nieuwe versie overnemen."))
