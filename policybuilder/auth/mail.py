"""Mailing a set-password link when the installation has a mail server (MAIL_SERVER)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _


def mail_configured() -> bool:
    """True when MAIL_SERVER is set."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send_link(to: str, name: str, link: str) -> None:
    """Mail ``link`` to ``to``; OSError or smtplib.SMTPException when the server refuses or is unreachable."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = _("Je toegang tot policybuilder")
    message["From"] = config.get("MAIL_FROM") or f"policybuilder@{config['MAIL_SERVER']}"
    message["To"] = to
    message.set_content(
        _("Dag %(name)s,\n\nStel via deze link je wachtwoord in (de link werkt één keer en zeven dagen lang):\n\n%(link)s\n",
          name=name, link=link)
    )
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
