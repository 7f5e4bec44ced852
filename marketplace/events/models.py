"""Events (Campus, Academy, café debates, meet-ups), their RSVPs and personal calendar feeds."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.organisations.models import Organisation
from marketplace.timeutil import UTCDateTime, utcnow


class EventKind(StrEnum):
    CAMPUS = "campus"
    ACADEMY = "academy"
    CAFE_DEBATE = "cafe_debate"
    MEETUP = "meetup"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    EventKind.CAMPUS: _l("Campus"),
    EventKind.ACADEMY: _l("Academy"),
    EventKind.CAFE_DEBATE: _l("Café debate"),
    EventKind.MEETUP: _l("Meet-up"),
    EventKind.OTHER: _l("Other event"),
}


class RsvpStatus(StrEnum):
    GOING = "going"
    WAITLISTED = "waitlisted"


class Event(db.Model):
    """Organised by an initiative, an organisation, or (neither) the platform."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("initiative_id IS NULL OR organisation_id IS NULL", name="one_organiser"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    postcode: Mapped[str] = mapped_column(String(7), default="")
    place_name: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    initiative: Mapped[Initiative | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def organiser_name(self) -> str:
        if self.initiative is not None:
            return self.initiative.name
        if self.organisation is not None:
            return self.organisation.name
        return "Impactbeurs"


class Rsvp(db.Model):
    """One person's place (or place on the waiting list) at an event; deleted when cancelled."""

    __tablename__ = "event_rsvps"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RsvpStatus] = mapped_column(str_enum(RsvpStatus), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()


class CalendarFeed(db.Model):
    """The secret token of a person's calendar feed URL (a capability, like any calendar feed)."""

    __tablename__ = "event_calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
