"""Forms of the approval area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..wizard.forms import strip_control_chars


class DecisionForm(FlaskForm):
    """Who decides: name and function are recorded with the decision."""

    name = StringField(_l("Je naam"), filters=[strip_control_chars], validators=[DataRequired(), Length(max=200)])
    function = StringField(_l("Je functie"), filters=[strip_control_chars], validators=[DataRequired(), Length(max=200)],
                           description=_l("Bijvoorbeeld: algemeen directeur, voorzitter raad van bestuur."))


class ApproveForm(DecisionForm):
    consultation_note = TextAreaField(
        _l("Advies van het CPBW, de vakbondsafvaardiging of de werknemers (optioneel)"),
        filters=[strip_control_chars], validators=[Optional(), Length(max=2000)],
        description=_l("Alleen het advies, bijvoorbeeld: gunstig. Het document zet er zelf bij wie het gaf en wanneer: “Advies gevraagd aan het CPBW op 25/11/2026: gunstig.”"),
    )
    consultation_date = DateField(_l("Datum van dat overleg (optioneel)"), validators=[Optional()])
    in_force_date = DateField(_l("In werking vanaf"), validators=[DataRequired()])
    next_review_date = DateField(_l("Volgende herziening"), validators=[DataRequired()],
                                 description=_l("Standaard de datum uit de stap Opvolging, anders één jaar na vandaag."))

    def validate_next_review_date(self, field: DateField) -> None:
        """The next review comes after the protocol is in force."""
        if self.in_force_date.data and field.data and field.data <= self.in_force_date.data:
            raise ValidationError(_l("De volgende herziening moet na de datum van inwerkingtreding liggen."))


class ReturnForm(DecisionForm):
    comment = TextAreaField(_l("Wat moet er aangepast worden?"), filters=[strip_control_chars],
                            validators=[DataRequired(), Length(max=5000)])
