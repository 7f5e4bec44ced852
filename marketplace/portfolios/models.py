"""Watchlists and the precomputed comparison groups used beside each holding."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.donations.models import Contribution
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


class ComparableGroup(db.Model):
    """Quartiles of the social return of quoted initiatives per (theme, size band of inputs).

    Derived data, rebuilt by `refresh_comparables` (CLI `portfolios refresh-comparables`, and
    lazily by the portfolio when older than PORTFOLIO_COMPARABLES_MAX_AGE seconds).
    """

    __tablename__ = "portfolio_comparable_groups"

    theme: Mapped[str] = mapped_column(String(20), primary_key=True)
    size_band: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    q1: Mapped[Decimal] = mapped_column(RATIO)
    median: Mapped[Decimal] = mapped_column(RATIO)
    q3: Mapped[Decimal] = mapped_column(RATIO)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The portfolio reads a funder's paid contributions grouped by initiative and month; these covering
# indexes let PostgreSQL answer that from the index alone, whatever the size of the table.
Index(
    "ix_contributions_portfolio_user",
    Contribution.user_id,
    Contribution.organisation_id,
    Contribution.initiative_id,
    Contribution.paid_at,
    postgresql_include=["amount_cents", "refunded_cents", "charged_back_cents"],
    postgresql_where=Contribution.paid_at.is_not(None),
)
Index(
    "ix_contributions_portfolio_organisation",
    Contribution.organisation_id,
    Contribution.initiative_id,
    Contribution.paid_at,
    postgresql_include=["amount_cents", "refunded_cents", "charged_back_cents"],
    postgresql_where=Contribution.paid_at.is_not(None),
)
