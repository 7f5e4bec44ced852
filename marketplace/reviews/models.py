"""Ratings and reviews of initiatives and events, the owners' replies and the moderation trail."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class SubjectType(StrEnum):
    INITIATIVE = "initiative"
    EVENT = "event"


class ActionKind(StrEnum):
    REPORT = "report"
    HIDE = "hide"
    UNHIDE = "unhide"


class Review(db.Model):
    """One person's stars (and words) on one subject; anonymous (no author) after erasure."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "user_id"),
        CheckConstraint("stars >= 1 AND stars <= 5", name="stars_one_to_five"),
        Index("ix_reviews_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[SubjectType] = mapped_column(str_enum(SubjectType))
    subject_id: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    stars: Mapped[int]
    text: Mapped[str] = mapped_column(String(1000), default="")
    verified: Mapped[bool] = mapped_column(default=False)
    reply_text: Mapped[str | None] = mapped_column(String(1000))
    reply_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def author_name(self) -> str:
        return self.user.name if self.user is not None else ""


class ReviewAction(db.Model):
    """The audit trail of moderation: who reported, hid or unhid a review, when and why."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    action: Mapped[ActionKind] = mapped_column(str_enum(ActionKind))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
