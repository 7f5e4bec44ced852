"""Tasks initiatives post and the sign-ups of the people who help."""

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import UTCDateTime, as_utc, utcnow


class Task(db.Model):
    """A task an initiative posts: what, where (a geocoded postcode), when (or flexible)."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="task_duration_positive"),
        CheckConstraint("capacity >= 1", name="task_capacity_positive"),
        CheckConstraint("cancel_hours >= 0", name="task_cancel_hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(7))
    place_name: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # None: flexible
    duration_minutes: Mapped[int] = mapped_column()
    capacity: Mapped[int] = mapped_column()
    cancel_hours: Mapped[int] = mapped_column(default=24)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    initiative: Mapped[Initiative] = relationship()

    @property
    def is_flexible(self) -> bool:
        return self.starts_at is None

    @property
    def cancel_deadline(self) -> datetime | None:
        """Until when a sign-up may be cancelled (None: a flexible task, always)."""
        if self.starts_at is None:
            return None
        return as_utc(self.starts_at) - timedelta(hours=self.cancel_hours)

    @property
    def max_hours(self) -> Decimal:
        return Decimal(self.duration_minutes) / 60

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.title!r}>"


class SignupStatus(StrEnum):
    SIGNED_UP = "signed_up"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    SignupStatus.SIGNED_UP: _l("Signed up"),
    SignupStatus.WAITLISTED: _l("On the waiting list"),
    SignupStatus.CANCELLED: _l("Cancelled"),
}

# Legal status changes (confirming hours is not one: it records minutes on a signed-up row).
TRANSITIONS = {
    SignupStatus.SIGNED_UP: {SignupStatus.CANCELLED},
    SignupStatus.WAITLISTED: {SignupStatus.SIGNED_UP, SignupStatus.CANCELLED},
    SignupStatus.CANCELLED: {SignupStatus.SIGNED_UP, SignupStatus.WAITLISTED},
}


class Signup(db.Model):
    """One person's place (or place on the waiting list) for a task; confirmed minutes after.

    `user_id` is None once the person's data was erased: confirmed hours stay as the
    initiative's input."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("task_id", "user_id", name="uq_signups_task_user"),
        CheckConstraint("confirmed_minutes IS NULL OR confirmed_minutes >= 0", name="minutes_ok"),
        Index("ix_signups_task_status", "task_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[SignupStatus] = mapped_column(str_enum(SignupStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # waiting-list order
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_minutes: Mapped[int | None] = mapped_column()
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    task: Mapped[Task] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def confirmed_hours(self) -> Decimal | None:
        if self.confirmed_minutes is None:
            return None
        return (Decimal(self.confirmed_minutes) / 60).quantize(Decimal("0.01"))

    def __repr__(self) -> str:
        return f"<Signup {self.id} task={self.task_id} {self.status}>"
