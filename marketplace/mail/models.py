"""The outbox tables: one row per mail to deliver (`mail_messages`) and its attachments.

Each row is delivered under its own claim (see `marketplace.mail.outbox`), so two delivery runs
never send it twice. `report_id` is the one column that names a domain: the outbox stores it for
reporting (the tables were reporting's before the mail package existed, and keep their schema)
and hands it on in `signals.mail_sent`; nothing here reads reports.
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a delivery run (claim_token, claimed_at)
    SENT = "sent"
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS; visible to admins

    @property
    def label(self) -> str:
        return str(MAIL_STATUS_LABELS[self])


MAIL_STATUS_LABELS = {
    MailStatus.QUEUED: _l("Queued"),
    MailStatus.SENDING: _l("Sending"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}

MAIL_TRANSITIONS: dict[MailStatus, frozenset[MailStatus]] = {
    MailStatus.QUEUED: frozenset({MailStatus.SENDING, MailStatus.FAILED}),
    MailStatus.SENDING: frozenset({MailStatus.SENT, MailStatus.QUEUED, MailStatus.FAILED}),
    MailStatus.FAILED: frozenset({MailStatus.QUEUED}),  # an admin may retry
    MailStatus.SENT: frozenset(),
}


class MailMessage(db.Model):
    """An outbox row: a mail to deliver, with retries and exponential backoff."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        Index("ix_mail_messages_due", "status", "next_attempt_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optional idempotency key ("report:12:user:5"): queueing the same key twice adds nothing.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Fixed when queued, so a retried delivery carries the same Message-ID (receivers dedupe on it).
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus), default=MailStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list["MailAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MailAttachment.id"
    )

    def __repr__(self) -> str:
        return f"<MailMessage {self.id} {self.status} {self.to}>"


class MailAttachment(db.Model):
    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    message: Mapped[MailMessage] = relationship(back_populates="attachments")
