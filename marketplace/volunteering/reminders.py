"""The day before a task, each person with a place gets a reminder, once."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.mail.outbox import deliver_messages
from marketplace.timeutil import AMSTERDAM, to_amsterdam, utcnow
from marketplace.volunteering.mails import queue_reminder
from marketplace.volunteering.models import Signup, SignupStatus, Task


def send_task_reminders(now: datetime | None = None) -> int:
    """Mail everyone signed up for a task that starts tomorrow (Amsterdam) and was not reminded
    yet (the `tasks-remind` job; idempotent: `reminded_at` and the outbox key decide)."""
    now = now or utcnow()
    tomorrow = to_amsterdam(now).date() + timedelta(days=1)
    low = datetime.combine(tomorrow, time(0), tzinfo=AMSTERDAM)
    high = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
    due = db.session.scalars(
        select(Signup)
        .join(Task, Task.id == Signup.task_id)
        .where(
            Task.starts_at >= low,
            Task.starts_at < high,
            Signup.status == SignupStatus.SIGNED_UP,
            Signup.reminded_at.is_(None),
            Signup.user_id.is_not(None),
        )
        .order_by(Signup.id)
    ).all()
    queued = []
    for signup in due:
        message = queue_reminder(signup.user, signup.task, signup.id)
        signup.reminded_at = now
        if message is not None:
            queued.append(message)
    db.session.commit()
    if queued:
        deliver_messages([m.id for m in queued])
    return len(due)
