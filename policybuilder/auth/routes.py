"""Log in and out, first-run setup, set a password, and an organisation's users, settings and audit log."""
from __future__ import annotations

import smtplib
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from .. import audit
from ..access import organisation_or_404
from ..extensions import db, limiter
from ..models import AuditEvent, Membership, User
from ..schema_store import get_schema
from ..wizard.forms import sector_choices
from .forms import ROLE_CHOICES, ActionForm, LoginForm, MemberForm, PasswordForm, RolesForm, SettingsForm, SetupForm
from .mail import mail_configured, send_link
from .users import UserError, add_member, create_user, find_user, password_token, set_roles, user_for_token

bp = Blueprint("auth", __name__)
MEMBER_ROLES = {choice.value for choice in ROLE_CHOICES}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
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
        logout_user()
        flash(_("Je bent afgemeld."))
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    if db.session.scalar(select(User.id).limit(1)) is not None:
        abort(404)
    form = SetupForm()
    form.sector.choices = sector_choices(get_schema(), "nl")
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.name.data, form.organisation.data, form.sector.data,
                               {"admin", "drafter", "approver"}, form.password.data)
        except UserError as exc:
            form.email.errors.append(str(exc))
        else:
            login_user(user)
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
        user.set_password(form.password.data)
        audit.record("user.password_set", None, user)
        db.session.commit()
        login_user(user)
        flash(_("Je wachtwoord is ingesteld."), "success")
        return redirect(url_for("wizard.index"))
    return render_template("auth/set_password.html", form=form, user=user)


@bp.route("/organisations/<int:organisation_id>/users", methods=["GET", "POST"])
@login_required
def users(organisation_id: int):
    organisation = organisation_or_404(organisation_id, "admin")
    form = MemberForm()
    link = None
    if form.validate_on_submit():
        try:
            user = add_member(organisation, form.email.data, form.name.data, set(form.roles.data))
        except UserError as exc:
            form.email.errors.append(str(exc))
        else:
            link = None if user.password_hash else _link(user)
            flash(_("%(name)s heeft nu toegang.", name=user.name), "success")
            if link and mail_configured():
                _mail(user, link)
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
    audit.record("user.link", organisation.id, user)
    db.session.commit()
    return _users_page(organisation, MemberForm(formdata=None), _link(user))


def _mail(user: User, link: str) -> None:
    """Mail the link too; if that fails the link is still on screen, so nothing is lost."""
    try:
        send_link(user.email, user.name, link)
    except (OSError, smtplib.SMTPException):
        flash(_("De link kon niet gemaild worden; bezorg hem zelf."), "error")
    else:
        flash(_("De link werd ook gemaild naar %(email)s.", email=user.email), "success")


def _link(user: User) -> str:
    return url_for("auth.set_password", token=password_token(user), _external=True)


def _users_page(organisation, form: MemberForm, link: str | None):
    """The users page: the members with their roles, the form to add one, and a fresh link if any."""
    members = db.session.scalars(
        select(User).join(Membership).where(Membership.organisation_id == organisation.id).distinct().order_by(User.name)
    ).all()
    return render_template("auth/users.html", organisation=organisation, form=form, members=members, link=link, action=ActionForm())


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
    return render_template("auth/audit.html", organisation=organisation, events=events)


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("wizard.index")
