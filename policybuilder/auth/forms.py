"""Forms of the accounts area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..wizard.forms import MultiCheckboxField, strip_control_chars

ROLE_CHOICES = [
    SelectChoice("drafter", _l("Opsteller (vult het protocol in en dient het in)")),
    SelectChoice("approver", _l("Goedkeurder (directie: keurt goed of stuurt terug)")),
    SelectChoice("admin", _l("Beheerder (beheert gebruikers en instellingen)")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(), Length(max=1000)])


class PasswordForm(FlaskForm):
    # Length and strength are checked by check_password_rules, the one place for the password rules.
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[DataRequired(), Length(max=1000)],
                             description=_l("Minstens 12 tekens en niet gemakkelijk te raden. Een zin van enkele woorden is sterk en goed te onthouden."))
    confirm = PasswordField(_l("Herhaal het wachtwoord"),
                            validators=[DataRequired(), EqualTo("password", _l("De twee wachtwoorden verschillen."))])


class SetupForm(PasswordForm):
    organisation = StringField(_l("Naam van de organisatie"), filters=[strip_control_chars], validators=[DataRequired(), Length(max=200)])
    sector = RadioField(_l("Sector"), validators=[DataRequired()])
    name = StringField(_l("Je naam"), filters=[strip_control_chars], validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Je e-mailadres"), validators=[DataRequired(), Length(max=254)])


class MemberForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[strip_control_chars], validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    roles = MultiCheckboxField(_l("Rollen"), choices=ROLE_CHOICES, validators=[DataRequired()])


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Rollen"), choices=ROLE_CHOICES,
                               description=_l("Vink alles uit om de toegang tot deze organisatie in te trekken."))


class SettingsForm(FlaskForm):
    allow_self_approval = BooleanField(
        _l("Wie een versie indient, mag ze ook zelf goedkeuren"),
        description=_l("Alleen voor een organisatie met één persoon. Het document vermeldt dan dat opsteller en goedkeurder dezelfde persoon zijn."),
    )


class ActionForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""
