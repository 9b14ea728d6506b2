"""Accounts: log in, first-run setup, set-password links, users and audit log per organisation."""
from __future__ import annotations

import functools

import click
from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user
from flask.cli import with_appcontext
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, with_expression

from ..extensions import db, limiter, login_manager
from ..models import User
from .users import UserError, create_user, find_user, password_token, pending_count, pending_count_of, record_about_account

OPEN_ENDPOINTS = {"auth.setup", "static", "health.check", "locale.switch"}


def init_app(app: Flask) -> None:
    """Bind Flask-Login and Flask-Limiter, send a fresh installation to setup, add `create-user`."""
    login_manager.init_app(app)
    limiter.init_app(app)
    from .routes import bp

    app.register_blueprint(bp)
    app.before_request(_setup_first)
    app.context_processor(_invitation_count)
    app.cli.add_command(create_user_command)
    app.cli.add_command(password_link_command)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id "<id>:<session version>", if that version is still the account's current one."""
    # A bare "<id>" is a session from before session versions: version 0, which ends at the account's first bump.
    user_id, _, version = session_id.partition(":")
    version = version or "0"
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.execute(_user_query(), {"user_id": int(user_id)}).unique().scalar_one_or_none()
    return user if user is not None and user.session_version == int(version) else None


@functools.cache
def _user_query():
    """A user by id with their memberships and waiting invitations in the same query (nearly every page checks the
    user's roles, every page header shows the invitations); built once, since building its loader options costs
    three times what running it does."""
    return select(User).where(User.id == bindparam("user_id")).options(
        joinedload(User.memberships), with_expression(User.waiting_invitations, pending_count_of(User.id).scalar_subquery()),
    )


def _invitation_count() -> dict:
    """How many invitations wait for the logged-in user, for the link in the page header."""
    if not current_user.is_authenticated:
        return {"invitation_count": 0}
    waiting = current_user.waiting_invitations
    return {"invitation_count": pending_count(current_user) if waiting is None else waiting}


def _setup_first():
    """While no user exists, every page leads to the setup page."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None or current_user.is_authenticated:
        return None  # someone logged in: a user exists
    if db.session.scalar(select(User.id).limit(1)) is None:
        return redirect(url_for("auth.setup"))
    return None


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", "organisation_name", required=True, help="Name of the organisation (made if new).")
@click.option("--sector", default="other", show_default=True)
@click.option("--admin", is_flag=True, help="Make the user administrator, drafter and approver.")
@click.option("--federation", is_flag=True, help="A new organisation is a sector federation (publishes templates).")
@click.option("--role", "roles", multiple=True, type=click.Choice(["drafter", "approver", "admin", "federation_editor"]))
@click.password_option(help="At least 12 characters, not easy to guess.")
@with_appcontext
def create_user_command(email, name, organisation_name, sector, admin, federation, roles, password):
    """Create a user (and their organisation if it is new)."""
    chosen = {"admin", "drafter", "approver"} if admin else set(roles)
    if not chosen:
        raise click.UsageError("give --admin or at least one --role")
    try:
        user = create_user(email, name, organisation_name, sector, chosen, password, "federation" if federation else "organisation")
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"User {user.email} created with roles {', '.join(sorted(chosen))}.")


@click.command("password-link")
@click.option("--email", required=True)
@click.option("--site", default="http://127.0.0.1:5000", show_default=True, help="The address people open policybuilder at.")
@with_appcontext
def password_link_command(email, site):
    """Print a one-time link to set a new password, for the installation's operator to hand to the account's owner."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with e-mail address {email}")
    with current_app.test_request_context(base_url=site):
        link = url_for("auth.set_password", token=password_token(user), _external=True)
    record_about_account("user.link", user)
    db.session.commit()
    click.echo(f"One-time link for {user.email} (valid for 7 days, until a password is set):\n{link}")
