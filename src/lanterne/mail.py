"""Outgoing e-mail over SMTP; every domain sends through here so tests can point at one real server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from lanterne.settings import Settings


def build_message(
    settings: Settings, to: str, subject: str, text: str, html: str | None = None, reply_to: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_user and settings.smtp_password:
            smtp.starttls()
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
