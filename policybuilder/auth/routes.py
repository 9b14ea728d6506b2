"""Log in and out, first-run setup, set a password, and an organisation's users, settings and audit log."""
from __future__ import annotations

import smtplib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from .. import audit
from ..audit_log import sentence as audit_sentence
from ..access import organisation_or_404
from ..extensions import db, limiter
from ..locale import interface_language, keep_choice_made_before_login
from ..models import AuditEvent, Membership, MembershipInvitation, User
from ..redirects import local_path
from ..schema_store import get_schema
from ..wizard.forms import sector_choices
from .forms import ROLE_CHOICES, ActionForm, LoginForm, MemberForm, PasswordForm, RolesForm, SettingsForm, SetupForm
from .mail import mail_configured, send_invitation, send_link
from .users import (
    InvitationDecided, PasswordError, UserError, accept_invitation, add_member, create_user, decline_invitation,
    end_sessions, find_user, may_get_link, organisation_invitations, password_matches, password_token,
    pending_count, pending_invitations, set_password as store_password, set_roles, user_for_token, withdraw_invitation,
)

bp = Blueprint("auth", __name__)
MEMBER_ROLES = {choice.value for choice in ROLE_CHOICES}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if password_matches(user, form.password.data):
            login_user(user)
            keep_choice_made_before_login(user)
            waiting = pending_count(user)
            if waiting and not request.args.get("next"):
                flash(ngettext("Er wacht een uitnodiging op je antwoord.", "Er wachten %(num)s uitnodigingen op je antwoord.", waiting))
                return redirect(url_for("auth.invitations"))
            return redirect(local_path(request.args.get("next")))
        known = sorted(user.organisation_ids)[:1] if user else [None]
        audit.record("login.failed", known[0], email=form.email.data.strip().lower()[:254])
        db.session.commit()
        # One message for an unknown e-mail and a wrong password: nothing is revealed.
        flash(_("Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer opnieuw."), "error")
    return render_template("auth/login.html", form=form), 401 if form.is_submitted() else 200


@bp.post("/logout")
@login_required
def logout():
    if ActionForm().validate_on_submit():
        # Every session of this account ends, also a copied cookie or another device.
        end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash(_("Je bent afgemeld."))
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    if db.session.scalar(select(User.id).limit(1)) is not None:
        abort(404)
    form = SetupForm()
    form.sector.choices = sector_choices(get_schema(), interface_language())
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.name.data, form.organisation.data, form.sector.data,
                               {"admin", "drafter", "approver"}, form.password.data)
        except PasswordError as exc:
            form.password.errors.append(str(exc))
        except UserError as exc:
            form.email.errors.append(str(exc))
        else:
            login_user(user)
            keep_choice_made_before_login(user)
            flash(_("Welkom! Je organisatie en je beheerdersaccount zijn aangemaakt."), "success")
            return redirect(url_for("wizard.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = user_for_token(token)
    if user is None:
        return render_template("auth/link_invalid.html"), 404
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            store_password(user, form.password.data, user.password_hash)
        except PasswordError as exc:
            form.password.errors.append(str(exc))
        except UserError:
            return render_template("auth/link_invalid.html"), 409
        else:
            login_user(user)
            keep_choice_made_before_login(user)
            flash(_("Je wachtwoord is ingesteld. Andere sessies van je account zijn afgesloten."), "success")
            return redirect(url_for("wizard.index"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.get("/invitations")
@login_required
def invitations():
    return render_template("auth/invitations.html", invitations=pending_invitations(current_user), action=ActionForm())


@bp.post("/invitations/<int:invitation_id>/accept")
@login_required
def accept(invitation_id: int):
    return _answer(invitation_id, accept_invitation, lambda name: _("Je hoort nu bij %(name)s.", name=name))


@bp.post("/invitations/<int:invitation_id>/decline")
@login_required
def decline(invitation_id: int):
    return _answer(invitation_id, decline_invitation, lambda name: _("Je weigerde de uitnodiging van %(name)s.", name=name))


def _answer(invitation_id: int, decide, done):
    """The account holder's answer to one of their own invitations; 404 for anyone else's, 409 if already answered."""
    invitation = db.get_or_404(MembershipInvitation, invitation_id)
    if invitation.user_id != current_user.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        flash(_("Dit formulier was verlopen. Probeer opnieuw."), "error")
        return redirect(url_for("auth.invitations"))
    try:
        decide(invitation)
    except InvitationDecided as exc:
        flash(str(exc), "error")
        return invitations(), 409
    flash(done(invitation.organisation.name), "success")
    return redirect(url_for("auth.invitations"))


@bp.route("/organisations/<int:organisation_id>/users", methods=["GET", "POST"])
@login_required
def users(organisation_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    form = MemberForm()
    link = None
    if form.validate_on_submit():
        try:
            added = add_member(organisation, form.email.data, form.name.data, set(form.roles.data), current_user)
        except UserError as exc:
            form.email.errors.append(str(exc))
        else:
            user = added.user
            if added.outcome == "member":
                flash(_("De rollen van %(name)s zijn bewaard.", name=user.name), "success")
            else:
                # The same words whether the address had an account or not: nothing of another account shows.
                flash(_("Uitnodiging verstuurd naar %(email)s.", email=user.email), "success")
            if added.outcome == "created":
                link = _link(user)
                if mail_configured():
                    _mail(user, link)
            elif added.outcome == "invited" and mail_configured():
                _mail_invitation(user, organisation)
            form = MemberForm(formdata=None)
    return _users_page(organisation, form, link)


@bp.route("/organisations/<int:organisation_id>/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def member(organisation_id: int, user_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    user = db.get_or_404(User, user_id)
    if not user.roles(organisation.id):
        abort(404)
    form = RolesForm(data={"roles": sorted(user.roles(organisation.id) & MEMBER_ROLES)})
    if form.validate_on_submit():
        # Roles this form does not show (a federation editor's) are kept as they are.
        kept = user.roles(organisation.id) - MEMBER_ROLES
        try:
            set_roles(organisation, user, set(form.roles.data) | kept)
        except UserError as exc:
            form.roles.errors.append(str(exc))
        else:
            flash(_("De rollen van %(name)s zijn bewaard.", name=user.name), "success")
            return redirect(url_for("auth.users", organisation_id=organisation.id))
    return render_template("auth/member.html", organisation=organisation, member=user, form=form)


@bp.post("/organisations/<int:organisation_id>/users/<int:user_id>/link")
@login_required
def new_link(organisation_id: int, user_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit() or not user.roles(organisation.id):
        abort(404)
    if may_get_link(organisation, user):
        audit.record("user.link", organisation.id, user)
        db.session.commit()
        return _users_page(organisation, MemberForm(formdata=None), _link(user))
    if mail_configured():
        # Only the owner of the address receives this link; the administrator never sees it.
        audit.record("user.link_mailed", organisation.id, user)
        db.session.commit()
        _mail(user, _link(user), on_screen=False)
        return redirect(url_for("auth.users", organisation_id=organisation.id))
    message = _("Een link om een wachtwoord in te stellen kan je alleen maken voor wie nog nooit een wachtwoord had "
                "en enkel bij jouw organisatie hoort: een wachtwoord is van de persoon zelf. Is het vergeten, dan mailt "
                "policybuilder een link naar de persoon zodra een mailserver ingesteld is; tot dan maakt de beheerder "
                "van de installatie er een (flask password-link).")
    return render_template("errors/error.html", code=403, message=message), 403


@bp.post("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw")
@login_required
def withdraw(organisation_id: int, invitation_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    invitation = db.get_or_404(MembershipInvitation, invitation_id)
    if invitation.organisation_id != organisation.id or not ActionForm().validate_on_submit():
        abort(404)
    try:
        withdraw_invitation(invitation)
    except InvitationDecided as exc:
        flash(str(exc), "error")
        return _users_page(organisation, MemberForm(formdata=None), None), 409
    flash(_("De uitnodiging voor %(email)s is ingetrokken.", email=invitation.user.email), "success")
    return redirect(url_for("auth.users", organisation_id=organisation.id))


def _mail_invitation(user: User, organisation) -> None:
    """Tell the account holder about the invitation; if mailing fails it still waits for them after logging in."""
    try:
        send_invitation(user, organisation.name, url_for("auth.invitations", _external=True))
    except (OSError, smtplib.SMTPException):
        flash(_("De uitnodiging kon niet gemaild worden; de persoon ziet ze wel na het aanmelden."), "error")


def _mail(user: User, link: str, on_screen: bool = True) -> None:
    """Mail the link; if that fails a link on screen can still be handed over, so nothing is lost."""
    try:
        send_link(user, link)
    except (OSError, smtplib.SMTPException):
        if on_screen:
            flash(_("De link kon niet gemaild worden; bezorg hem zelf."), "error")
        else:
            flash(_("De link kon niet gemaild worden. Probeer het later opnieuw."), "error")
    else:
        if on_screen:
            flash(_("De link werd ook gemaild naar %(email)s.", email=user.email), "success")
        else:
            flash(_("De link werd gemaild naar %(email)s; alleen wie dat adres leest, kan hem gebruiken.", email=user.email), "success")


def _link(user: User) -> str:
    return url_for("auth.set_password", token=password_token(user), _external=True)


def _users_page(organisation, form: MemberForm, link: str | None):
    """The users page: the members with their roles, the form to add one, and a fresh link if any."""
    members = db.session.scalars(
        select(User).join(Membership).where(Membership.organisation_id == organisation.id).distinct().order_by(User.name)
    ).all()
    return render_template(
        "auth/users.html", organisation=organisation, form=form, members=members, link=link, action=ActionForm(),
        invitations=organisation_invitations(organisation), may_get_link=may_get_link, mail=mail_configured(),
    )


@bp.route("/organisations/<int:organisation_id>/settings", methods=["GET", "POST"])
@login_required
def settings(organisation_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    form = SettingsForm(obj=organisation)
    if form.validate_on_submit():
        organisation.allow_self_approval = form.allow_self_approval.data
        audit.record("organisation.settings", organisation.id, organisation, allow_self_approval=organisation.allow_self_approval)
        db.session.commit()
        flash(_("De instellingen zijn bewaard."), "success")
        return redirect(url_for("auth.settings", organisation_id=organisation.id))
    return render_template("auth/settings.html", organisation=organisation, form=form)


@bp.get("/organisations/<int:organisation_id>/audit")
@login_required
def audit_log(organisation_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.organisation_id == organisation.id).order_by(AuditEvent.id.desc()).limit(500)
    ).all()
    return render_template("auth/audit.html", organisation=organisation, events=events, sentence=audit_sentence)
