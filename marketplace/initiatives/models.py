"""Initiatives and their owners."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class Theme(StrEnum):
    CARE = "care"
    ENERGY = "energy"
    EDUCATION = "education"
    HOUSING_WORK = "housing_work"
    SPORT = "sport"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        return str(THEME_LABELS[self])


THEME_LABELS = {
    Theme.CARE: _l("Care & wellbeing"),
    Theme.ENERGY: _l("Energy"),
    Theme.EDUCATION: _l("Education"),
    Theme.HOUSING_WORK: _l("Housing & work"),
    Theme.SPORT: _l("Sport & recreation"),
    Theme.COMMUNITY: _l("Community & safety"),
}


class InitiativeStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


initiative_owners = Table(
    "initiative_owners",
    db.metadata,
    Column("initiative_id", ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Initiative(db.Model):
    __tablename__ = "initiatives"
    __table_args__ = (CheckConstraint("funding_goal_cents >= 0", name="funding_goal_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    theme: Mapped[Theme] = mapped_column(str_enum(Theme), index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    municipality: Mapped[str] = mapped_column(String(100), index=True)
    province: Mapped[str] = mapped_column(String(50), default="", index=True)
    postcode: Mapped[str] = mapped_column(String(7), default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    funding_goal_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    website: Mapped[str] = mapped_column(String(300), default="")
    anbi: Mapped[bool] = mapped_column(default=False)
    rsin: Mapped[str] = mapped_column(String(9), default="")
    photo_filename: Mapped[str | None] = mapped_column(String(100))
    photo_content_type: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[InitiativeStatus] = mapped_column(
        str_enum(InitiativeStatus), default=InitiativeStatus.DRAFT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owners: Mapped[list[User]] = relationship(secondary=initiative_owners, order_by=User.id)

    @property
    def is_published(self) -> bool:
        return self.status == InitiativeStatus.PUBLISHED

    def is_owned_by(self, user) -> bool:
        return bool(user and user.is_authenticated) and any(o.id == user.id for o in self.owners)

    def can_edit(self, user) -> bool:
        return bool(user and user.is_authenticated) and (user.is_admin or self.is_owned_by(user))

    def is_visible_to(self, user) -> bool:
        return self.is_published or self.can_edit(user)

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.slug}>"
