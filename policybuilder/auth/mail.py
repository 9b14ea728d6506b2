"""Mailing a set-password link or an invitation notice when the installation has a mail server (MAIL_SERVER)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _

from ..locale import language_of
from ..models import User


def mail_configured() -> bool:
    """True when MAIL_SERVER is set."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send_link(user: User, link: str) -> None:
    """Mail a set-password ``link`` to ``user`` in their language; OSError or smtplib.SMTPException when the server refuses or is unreachable."""
    with language_of(user):
        _send(user.email, _("Je toegang tot policybuilder"), _(
            "Dag %(name)s,\n\nStel via deze link je wachtwoord in (de link werkt één keer en zeven dagen lang):\n\n%(link)s\n",
            name=user.name, link=link))


def send_invitation(user: User, organisation: str, link: str) -> None:
    """Tell an account holder, in their language, that ``organisation`` invites them; the same errors as :func:`send_link`."""
    with language_of(user):
        _send(user.email, _("Uitnodiging van %(organisation)s in policybuilder", organisation=organisation), _(
            "Dag %(name)s,\n\n%(organisation)s nodigt je uit in policybuilder. Meld je aan en aanvaard of weiger de "
            "uitnodiging op deze pagina:\n\n%(link)s\n\nVerwachtte je dit niet? Weiger de uitnodiging dan gewoon.\n",
            name=user.name, organisation=organisation, link=link))


def _send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config.get("MAIL_FROM") or f"policybuilder@{config['MAIL_SERVER']}"
    message["To"] = to
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
