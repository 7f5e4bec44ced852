"""Watchlists and the precomputed comparison groups used beside each holding."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import UTCDateTime, utcnow

RATIO = Numeric(18, 6)


class Watch(db.Model):
    """An initiative followed (not necessarily funded) by a person or an organisation."""

    __tablename__ = "portfolio_watches"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NULL) <> (organisation_id IS NULL)", name="exactly_one_funder"
        ),
        UniqueConstraint("user_id", "initiative_id"),
        UniqueConstraint("organisation_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship(foreign_keys=[initiative_id])
