"""Following, public profiles, initiatives' updates, feed settings and sent digests."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, Theme
from marketplace.organisations.models import Organisation
from marketplace.timeutil import UTCDateTime, utcnow


class SubjectType(StrEnum):
    INITIATIVE = "initiative"
    PERSON = "person"
    ORGANISATION = "organisation"
    THEME = "theme"  # subject_key: the theme's code ("energy")
    MUNICIPALITY = "municipality"  # subject_key: its name as initiatives carry it ("Utrecht")


ID_SUBJECTS = (SubjectType.INITIATIVE, SubjectType.PERSON, SubjectType.ORGANISATION)


class Follow(db.Model):
    """A person, or an organisation through one of its members, following something.

    `subject_key` names the subject in one column (the id as text, or the code), so each follower
    follows each subject once; the id columns carry the foreign keys, so a deleted initiative,
    person or organisation takes its follows with it.
    """

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NULL) <> (organisation_id IS NULL)", name="follow_exactly_one_follower"
        ),
        UniqueConstraint("user_id", "subject_type", "subject_key", name="uq_follows_user"),
        UniqueConstraint(
            "organisation_id", "subject_type", "subject_key", name="uq_follows_organisation"
        ),
        Index("ix_follows_subject", "subject_type", "subject_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_type: Mapped[SubjectType] = mapped_column(str_enum(SubjectType))
    subject_key: Mapped[str] = mapped_column(String(100))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    followed_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative | None] = relationship(foreign_keys=[initiative_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    followed_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[followed_organisation_id]
    )
    person_profile: Mapped["Profile | None"] = relationship(
        primaryjoin="Follow.person_id == foreign(Profile.user_id)", viewonly=True
    )

    @property
    def subject_id(self) -> int | str:
        return int(self.subject_key) if self.subject_type in ID_SUBJECTS else self.subject_key

    @property
    def subject_name(self) -> str:
        """What is followed, as people read it."""
        if self.subject_type == SubjectType.THEME and self.subject_key in set(Theme):
            return Theme(self.subject_key).label
        found = self.initiative or self.person or self.followed_organisation
        return found.name if found is not None else self.subject_key


class Profile(db.Model):
    """A person's public profile; nobody else sees it until `public` (opt-in)."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    handle: Mapped[str] = mapped_column(String(30), unique=True)
    public: Mapped[bool] = mapped_column(default=False)
    municipality: Mapped[str] = mapped_column(String(100), default="")
    bio: Mapped[str] = mapped_column(String(500), default="")
    avatar_filename: Mapped[str | None] = mapped_column(String(100))
    avatar_content_type: Mapped[str | None] = mapped_column(String(30))
    # The `ProfileSection.key`s (and "follows") the person shows to others.
    shown_sections: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    def shows(self, key: str) -> bool:
        return key in (self.shown_sections or [])


class Update(db.Model):
    """News an initiative's owners post; stays (without author) when the author is erased."""

    __tablename__ = "updates"
    __table_args__ = (Index("ix_updates_initiative_published", "initiative_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown; sanitised when shown
    outcome_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("outcome_reports.id", ondelete="SET NULL")
    )
    # The events package is built beside this one: a plain id, no foreign key.
    event_id: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    initiative: Mapped[Initiative] = relationship()
    author: Mapped[User | None] = relationship()
    photos: Mapped[list["UpdatePhoto"]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="UpdatePhoto.position"
    )


class UpdatePhoto(db.Model):
    __tablename__ = "update_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)  # 1 to 4, in the photo URL
    filename: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(30))

    update: Mapped[Update] = relationship(back_populates="photos")


class DigestCadence(StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class FeedSettings(db.Model):
    """Where a person's feed also looks (a postcode and radius) and whether a digest is mailed."""

    __tablename__ = "feed_settings"
    __table_args__ = (
        CheckConstraint("radius_km >= 0 AND radius_km <= 200", name="feed_radius_range"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    postcode: Mapped[str] = mapped_column(String(7), default="")
    radius_km: Mapped[int] = mapped_column(default=0)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    digest: Mapped[DigestCadence] = mapped_column(
        str_enum(DigestCadence), default=DigestCadence.OFF
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DigestSend(db.Model):
    """One digest per person and period: the unique key lets one of two concurrent runs win."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("user_id", "period", name="uq_digest_sends_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))  # "2026-11-30" or "2026-W48"
    items: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
