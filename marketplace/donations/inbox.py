"""The webhook inbox: with `WEBHOOKS_QUEUED`, a webhook is stored and answered at once; workers
apply it (`flask --app wsgi payments webhook-worker`, and the `webhooks-inbox` job).

Why: applying a payment costs a provider call and four transactions (the payment, its figures,
its receipt, the page versions), about 30 ms of CPU on our side. In the request, a burst of
webhooks (a campaign's evening, a provider replaying a backlog) queues behind that work until
the provider's own timeout makes it retry, which adds load. Stored first, each webhook costs one
statement; the work is done as fast as the workers can, and more workers (on more hosts) share
the inbox through `FOR UPDATE SKIP LOCKED` claims.

Nothing is lost or applied twice: the row is committed before the 200 (a crash after it loses
nothing; the provider retries anything that got no 200), and applying is the one idempotent
status path. A provider's retry of a trigger still waiting joins its row (`deliveries`); one that
arrives while the row is being applied makes it due again, so news is never dropped.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, String, UniqueConstraint, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.donations.providers.base import WebhookTrigger
from marketplace.donations.triggers import (
    apply_trigger,
    trigger_from_json,
    trigger_key,
    trigger_to_json,
)
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.mail import delivered_after_batch
from marketplace.timeutil import UTCDateTime, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claimed row is due again after this (its worker died)
FIRST_RETRY = timedelta(seconds=5)
LAST_RETRY = timedelta(hours=1)
IDLE = timedelta(milliseconds=500)  # a worker's nap while nothing is due


class ReceivedWebhook(db.Model):
    """One trigger a provider sent, waiting to be applied (deleted once it is)."""

    __tablename__ = "received_webhooks"
    __table_args__ = (UniqueConstraint("provider", "trigger_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    trigger_key: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the latest delivery
    deliveries: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))


TABLE = ReceivedWebhook.__table__


def receive(provider: str, triggers: list[WebhookTrigger]) -> None:
    """Store the triggers (one statement, committed): a trigger already waiting is due now."""
    if not triggers:
        return
    now = utcnow()
    rows = {}  # by key: one statement may not insert and then update the same row
    for trigger in triggers:
        data = trigger_to_json(trigger)
        key = trigger_key(data)
        rows[key] = {"provider": provider, "trigger_key": key, "trigger": data,
                     "received_at": now, "deliveries": 1, "attempts": 0, "due_at": now}  # fmt: skip
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(TABLE).values(list(rows.values()))
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[TABLE.c.provider, TABLE.c.trigger_key],
            set_={
                "received_at": statement.excluded.received_at,
                "due_at": statement.excluded.due_at,
                "deliveries": TABLE.c.deliveries + 1,
            },
        )
    )
    db.session.commit()


@dataclass(frozen=True)
class Claimed:
    id: int
    provider: str
    trigger: dict
    received_at: datetime
    attempts: int


def claim(limit: int, now: datetime | None = None) -> list[Claimed]:
    """Take up to `limit` due rows for this worker until the lease ends (committed)."""
    now = now or utcnow()
    due = (
        select(TABLE.c.id)
        .where(TABLE.c.due_at <= now)
        .order_by(TABLE.c.due_at, TABLE.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        update(TABLE)
        .where(TABLE.c.id.in_(due.scalar_subquery()))
        .values(due_at=now + LEASE, attempts=TABLE.c.attempts + 1)
        .returning(
            TABLE.c.id, TABLE.c.provider, TABLE.c.trigger, TABLE.c.received_at, TABLE.c.attempts
        )
    ).all()
    db.session.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda row: row.id)


def retry_delay(attempts: int) -> timedelta:
    """5 s after the first failed attempt, doubling, at most an hour apart."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def process(row: Claimed) -> bool:
    """Apply one claimed row; True when done (the row is gone), False when postponed.

    The row is deleted, or postponed, only while no newer delivery has joined it since the claim
    (`received_at` unchanged): a newer one stays due and is applied again. What can never be
    applied (a 4xx: the gift is gone) is done, as the provider's retry would be answered.
    """
    try:
        apply_trigger(row.provider, trigger_from_json(row.trigger))
    except DomainError as error:
        db.session.rollback()
        if error.status_code >= 500:
            return _postpone(row, error)
        log.warning("%s webhook %s answered %s: done", row.provider, row.id, error.status_code)
    except Exception as error:  # noqa: BLE001 (kept and retried: a webhook is never dropped)
        db.session.rollback()
        return _postpone(row, error)
    db.session.execute(delete(TABLE).where(*_unchanged(row)))
    db.session.commit()
    return True


def _postpone(row: Claimed, error: Exception) -> bool:
    """Due again after `retry_delay` (unless a newer delivery made it due now)."""
    log.warning("%s webhook %s postponed (attempt %s): %r",
                row.provider, row.id, row.attempts, error)  # fmt: skip
    db.session.execute(
        update(TABLE)
        .where(*_unchanged(row))
        .values(due_at=utcnow() + retry_delay(row.attempts), last_error=repr(error)[:300])
    )
    db.session.commit()
    return False


def _unchanged(row: Claimed) -> tuple:
    """The claimed row, as long as no newer delivery has joined it."""
    return TABLE.c.id == row.id, TABLE.c.received_at == row.received_at


@dataclass
class WorkResult:
    applied: int = 0
    postponed: int = 0


def work(batch: int = 20, *, once: bool = False, idle: timedelta = IDLE, stop=None):
    """Apply due rows until none is due (`once`) or until `stop()` says so; sleeps when idle."""
    result = WorkResult()
    while not (stop and stop()):
        rows = claim(batch)
        with delivered_after_batch():  # the batch's receipts over one SMTP connection
            for row in rows:
                if process(row):
                    result.applied += 1
                else:
                    result.postponed += 1
        if not rows:
            if once:
                break
            time.sleep(idle.total_seconds())
    return result


def drain_inbox(seconds: int = 50) -> WorkResult:
    """The `webhooks-inbox` job: apply what is due now, for at most `seconds` so a run ends
    before the next minute's (a safety net beside the workers, which do the bulk)."""
    stop_at = time.monotonic() + seconds
    return work(once=True, stop=lambda: time.monotonic() > stop_at)


def waiting() -> int:
    return db.session.scalar(select(db.func.count()).select_from(TABLE)) or 0


def postponed(limit: int = 50) -> list[ReceivedWebhook]:
    """Rows whose last attempt failed, the most tried first (the admin's donations page)."""
    return list(
        db.session.scalars(
            select(ReceivedWebhook)
            .where(ReceivedWebhook.last_error.is_not(None))
            .order_by(ReceivedWebhook.attempts.desc(), ReceivedWebhook.id)
            .limit(limit)
        )
    )
