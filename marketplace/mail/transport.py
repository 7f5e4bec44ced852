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
    """Hand one built message to SMTP, or write it to the outbox folder without MAIL_SERVER."""
    with Sender() as sender:
        sender.send(message, name_hint)


class MailServerUnreachable(OSError):
    """No connection to MAIL_SERVER could be made: the messages after this one wait too."""


class Sender:
    """Hands messages to MAIL_SERVER over one SMTP connection, opened for the first and kept for
    the next (a report run's thousands of mails would otherwise each pay a TCP and TLS handshake
    and a log-in); without MAIL_SERVER each becomes an .eml file in MAIL_OUTBOX_DIR.

    A connection the server has closed meanwhile (idle timeout, a limit of messages per
    session) is opened again once; after any other failure it is dropped, so the next message
    starts on a fresh one. Use it as a context manager: the connection is closed at the end.
    """

    def __init__(self) -> None:
        self.config = current_app.config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Sender":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def send(self, message: EmailMessage, name_hint: str = "") -> None:
        if not self.config["MAIL_SERVER"]:
            self._write_file(message, name_hint)
            return
        reused = self._smtp is not None
        if not reused:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            self.send(message, name_hint)  # the server had closed it: once more, on a fresh one
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        try:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
        except OSError as error:
            raise MailServerUnreachable(f"{type(error).__name__}: {error}") from error
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _write_file(self, message: EmailMessage, name_hint: str) -> None:
        outbox = Path(self.config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        suffix = f"-{name_hint}" if name_hint else ""
        (outbox / f"{stamp}{suffix}-{uuid.uuid4().hex[:8]}.eml").write_bytes(message.as_bytes())
