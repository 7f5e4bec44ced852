"""The mail outbox: `queue_mail` adds a row to the caller's transaction; `deliver_due_mail` sends.

Delivery claims each row with a compare-and-set UPDATE (status queued -> sending, a fresh
claim_token) committed before the SMTP conversation, so two delivery runs never send the same row.
A run that dies mid-send leaves the row `sending`; after MAIL_CLAIM_LEASE_SECONDS another run takes
it over (SMTP gives at-least-once at that point; the Message-ID stays the same so receivers can
drop the duplicate). Failures are retried with exponential backoff, then marked failed for admins.
After each delivered row is committed, `signals.mail_sent` tells whoever cares (reporting marks a
report sent when its last mail is).
"""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from functools import partial

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import signals
from marketplace.extensions import db
from marketplace.mail.models import MailAttachment, MailMessage, MailStatus
from marketplace.mail.transport import (
    Attachment,
    Mail,
    MailServerUnreachable,
    Sender,
    build_message,
    send_mail,
)
from marketplace.timeutil import utcnow

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 6 * 3600
DEFAULT_LEASE_SECONDS = 600
DEFAULT_DELIVERY_SECONDS = 50  # per run of the every-minute job


def _config(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def backoff_delay(attempts: int) -> timedelta:
    """Wait before attempt n+1 after n failures: base × 2^(n−1), capped at six hours."""
    base = _config("MAIL_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS)
    seconds = min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)
    return timedelta(seconds=seconds)


def send_or_queue(mail: Mail) -> None:
    """Send now; when the mail server cannot be reached, leave the mail in the outbox for the
    `mail-outbox` job, so a request never fails (nor answers differently) because SMTP is down."""
    try:
        send_mail(mail)
    except OSError:  # smtplib's errors are OSErrors too
        current_app.logger.warning("mail server unreachable, queued: %s", mail.subject)
        queue_mail(mail, commit=True)


def queue_mail(
    mail: Mail, *, key: str | None = None, report_id: int | None = None, commit: bool = False
) -> MailMessage | None:
    """Add a mail to the outbox in the current transaction (the caller commits, unless `commit`).

    With a `key`, queueing the same key again is a no-op and returns None (the unique key,
    under a savepoint, decides).
    """
    message = MailMessage(
        key=key,
        to=mail.to,
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        headers=dict(mail.headers),
        message_id=make_msgid(domain="impactbeurs.nl"),
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
        report_id=report_id,
        attachments=[
            MailAttachment(filename=a.filename, mimetype=a.mimetype, content=a.content)
            for a in mail.attachments
        ],
    )
    if key is None:
        db.session.add(message)
    else:
        try:
            with db.session.begin_nested():
                db.session.add(message)
        except IntegrityError:
            return None  # a concurrent run queued the same key first
    if commit:
        db.session.commit()
    return message


def _due_condition(now: datetime, lease: timedelta):
    return or_(
        and_(MailMessage.status == MailStatus.QUEUED, MailMessage.next_attempt_at <= now),
        and_(MailMessage.status == MailStatus.SENDING, MailMessage.claimed_at < now - lease),
    )


def _claim(message_id: int, now: datetime, lease: timedelta) -> str | None:
    token = uuid.uuid4().hex
    result = db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id, _due_condition(now, lease))
        .values(
            status=MailStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=MailMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def to_mail(message: MailMessage) -> Mail:
    """The outbox row as a `Mail` again (attachments included)."""
    return Mail(
        to=message.to,
        subject=message.subject,
        text=message.text,
        html=message.html,
        attachments=[
            Attachment(filename=a.filename, content=a.content, mimetype=a.mimetype)
            for a in message.attachments
        ],
        headers=dict(message.headers or {}),
    )


def send_row(message: MailMessage, sender: Sender) -> None:
    """Hand one outbox row to SMTP (or write an .eml without MAIL_SERVER); raises on failure."""
    email_message = build_message(to_mail(message))
    email_message.replace_header("Message-ID", message.message_id)
    sender.send(email_message, name_hint=str(message.id))


@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: bool = False  # the mail server could not be reached: the rest waits


def deliver_due_mail(
    now: datetime | None = None, limit: int = 200, seconds: float | None = None
) -> DeliveryResult:
    """Send the outbox rows that are due, `limit` at a time over one connection, each under its
    own claim, until none is due, the mail server cannot be reached, or `seconds` (default
    MAIL_DELIVERY_SECONDS) have passed: the `mail-outbox` job runs every minute, and the next
    run goes on where this one stopped."""
    now = now or utcnow()
    lease = timedelta(seconds=_config("MAIL_CLAIM_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    if seconds is None:
        seconds = _config("MAIL_DELIVERY_SECONDS", DEFAULT_DELIVERY_SECONDS)
    stop_at = time.monotonic() + seconds
    result = DeliveryResult()
    while time.monotonic() < stop_at and not result.unreachable:
        ids = list(
            db.session.scalars(
                select(MailMessage.id)
                .where(_due_condition(now, lease))
                .order_by(MailMessage.next_attempt_at, MailMessage.id)
                .limit(limit)
            )
        )
        db.session.commit()
        if not ids:
            break
        deliver_messages(ids, now, result)
    return result


def deliver_messages(
    ids: list[int], now: datetime | None = None, result: DeliveryResult | None = None
) -> DeliveryResult:
    """Send these outbox rows (those still due), each under its own claim, over one connection;
    when the mail server cannot be reached, the rest stay queued as they are."""
    now = now or utcnow()
    lease = timedelta(seconds=_config("MAIL_CLAIM_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    max_attempts = _config("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
    result = result or DeliveryResult()
    with Sender() as sender:
        for message_id in ids:
            token = _claim(message_id, now, lease)
            if token is None:
                continue  # another runner has it
            message = db.session.get(MailMessage, message_id, populate_existing=True)
            try:
                send_row(message, sender)
            except Exception as error:  # noqa: BLE001 (any transport failure is retried)
                _record_failure(message_id, token, message.attempts, error, now, max_attempts,
                                result)  # fmt: skip
                if isinstance(error, MailServerUnreachable):
                    result.unreachable = True
                    break
                continue
            result.sent += 1
            key, report_id = message.key, message.report_id
            if _record_success(message_id, token):  # else a run that took over the claim tells
                signals.notify(
                    signals.mail_sent, message_id=message_id, key=key, report_id=report_id
                )
    return result


_AFTER_BATCH: ContextVar[list[int] | None] = ContextVar("mail_after_batch", default=None)


def deliver_after_response(message_id: int) -> None:
    """Send a queued message as soon as the current response has gone out, or the current batch
    is done (`delivered_after_batch`), else at once: a webhook or a form answers without waiting
    for SMTP, and a failed delivery is retried by the outbox job like any other."""
    batch = _AFTER_BATCH.get()
    if batch is not None:
        batch.append(message_id)
    elif has_request_context():
        pending = g.setdefault("mail_after_response", [])
        pending.append(message_id)
    else:
        deliver_messages([message_id])


@contextmanager
def delivered_after_batch() -> Iterator[None]:
    """Mail queued for sending at once inside the block is sent at its end, over one connection
    (a webhook worker's batch of receipts: one SMTP handshake, not one per gift)."""
    pending: list[int] = []
    token = _AFTER_BATCH.set(pending)
    try:
        yield
    finally:
        _AFTER_BATCH.reset(token)
        if pending:
            deliver_messages(pending)


def init_app(app: Flask) -> None:
    """Deliver the messages of `deliver_after_response` once each response is closed."""

    @app.after_request
    def _deliver_when_closed(response):
        ids = g.pop("mail_after_response", None)
        if ids:
            response.call_on_close(partial(_deliver_in_context, app, ids))
        return response


def _deliver_in_context(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            deliver_messages(ids)
        except Exception:  # noqa: BLE001 (the outbox job retries; the response is long gone)
            app.logger.exception("immediate delivery of mail %s failed", ids)
        finally:
            db.session.remove()


def _record_success(message_id: int, token: str) -> bool:
    """Mark the row sent while the claim is still ours; False if another run took it over."""
    updated = db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.claim_token == token)
        .values(status=MailStatus.SENT, sent_at=utcnow(), claim_token=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return updated.rowcount == 1


def _record_failure(message_id, token, attempts, error, now, max_attempts, result) -> None:
    current_app.logger.warning("mail %s failed (attempt %s): %s", message_id, attempts, error)
    gave_up = attempts >= max_attempts
    values = {
        "status": MailStatus.FAILED if gave_up else MailStatus.QUEUED,
        "claim_token": None,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
    }
    if not gave_up:
        values["next_attempt_at"] = now + backoff_delay(attempts)
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if gave_up:
        result.failed += 1
    else:
        result.retried += 1


def failed_mail(limit: int = 200) -> list[MailMessage]:
    """Mail that gave up, newest first (for the admin page)."""
    return list(
        db.session.scalars(
            select(MailMessage)
            .where(MailMessage.status == MailStatus.FAILED)
            .order_by(MailMessage.id.desc())
            .limit(limit)
        )
    )


def retry_mail(message_id: int) -> None:
    """An admin puts a failed mail back in the queue (attempts start over)."""
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.status == MailStatus.FAILED)
        .values(status=MailStatus.QUEUED, attempts=0, next_attempt_at=utcnow(), last_error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
