"""The one way mail leaves the application: SMTP when MAIL_SERVER is set, else .eml files.

In development (no MAIL_SERVER) every message is written to instance/outbox/ so it can be read.
`send_mail` sends at once and raises on failure; mail that must not be lost goes through the
outbox (`marketplace.mail.outbox.queue_mail`), which uses `build_message` and `transmit` from here.
"""

import smtplib
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from marketplace.timeutil import utcnow


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def build_message(mail: Mail) -> EmailMessage:
    """The MIME message of `mail`: From the configured sender, a fresh Message-ID, parts."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="impactbeurs.nl")
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, subtype = attachment.mimetype.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send_mail(mail: Mail) -> EmailMessage:
    """Send now, raising on failure (callers that must not lose mail use the outbox)."""
    message = build_message(mail)
    transmit(message)
    current_app.logger.info("mail sent: %s", mail.subject)
    return message


def transmit(message: EmailMessage, name_hint: str = "") -> None:
    """Hand a built message to SMTP, or write it to the outbox folder without MAIL_SERVER."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    else:
        outbox = Path(config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        suffix = f"-{name_hint}" if name_hint else ""
        (outbox / f"{stamp}{suffix}-{uuid.uuid4().hex[:8]}.eml").write_bytes(message.as_bytes())
