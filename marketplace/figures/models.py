"""The shared read model: each initiative's monthly figures and running totals, and each funder's.

Derived data, fed by named signals (`figures.listeners`) and rebuilt from the sources by
`figures.build`; read by the initiative page, portfolios, the exchange and reports, so nobody
recomputes a series from gifts or report lines on a page view.

- `InitiativeMonth`: per initiative and calendar month (Europe/Amsterdam) its inputs by source
  (`INPUT_COLUMNS`: net paid gifts, where refunds and chargebacks count against the month of the
  original payment as `Contribution.net_cents` does; declared other inputs; confirmed volunteer
  time valued in euros; invested capital), the present value of accepted outcomes
  whose period ends in the month (per kind of value, four decimals), and the highest evidence
  level of the accepted reports up to that month.
- `InitiativeSeries`: the same as running totals in integer lists, one row per initiative.
- `FunderSeries`: a funder's net paid gifts to one initiative as running totals per month.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow

VALUE = Numeric(18, 4)
ZERO = Decimal(0)
VALUE_KINDS = ("fiscal", "wellbeing", "environmental", "economic")
# An initiative's inputs by source, in cents; together they are what its social return divides by.
INPUT_COLUMNS = ("platform_cents", "declared_cents", "volunteer_cents", "invested_cents")
UNITS_PER_EURO_EXPONENT = 4  # VALUE has four decimals: series hold integers of 1/10,000 euro
UNITS_PER_EURO = 10**UNITS_PER_EURO_EXPONENT


class InitiativeMonth(db.Model):
    """One initiative's inputs and recognised social value in one calendar month."""

    __tablename__ = "initiative_months"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    platform_cents: Mapped[int] = mapped_column(default=0)
    declared_cents: Mapped[int] = mapped_column(default=0)
    volunteer_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    invested_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    value_fiscal: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    value_wellbeing: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    value_environmental: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    value_economic: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    evidence_level: Mapped[int | None] = mapped_column()

    @property
    def inputs_cents(self) -> int:
        return sum(getattr(self, column) or 0 for column in INPUT_COLUMNS)

    @property
    def value_total(self) -> Decimal:
        return (
            Decimal(self.value_fiscal)
            + Decimal(self.value_wellbeing)
            + Decimal(self.value_environmental)
            + Decimal(self.value_economic)
        )

    def __repr__(self) -> str:
        return f"<InitiativeMonth {self.initiative_id} {self.month:%Y-%m}>"


# Integer lists: native arrays on PostgreSQL (read in binary, no parsing), JSON elsewhere.
INTEGERS = JSON().with_variant(postgresql.ARRAY(BigInteger), "postgresql")
INTEGERS_BY_KIND = JSON().with_variant(postgresql.ARRAY(BigInteger, dimensions=2), "postgresql")


class InitiativeSeries(db.Model):
    """One initiative's monthly figures as running totals, one row per initiative.

    Derived from its `initiative_months` rows whenever they change (`figures.build`), for
    readers that need whole series of many initiatives at once: a portfolio of 200 holdings reads
    200 rows here instead of aggregating 12,000 monthly rows per page view. Element n of each list
    is the total up to and including month n after `first_month`, for every month up to the last
    month with figures (later months carry the last totals). Values are integers of 1/10,000 euro,
    exact, since monthly values have four decimals.
    """

    __tablename__ = "initiative_series"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    first_month: Mapped[date] = mapped_column(Date)
    inputs_cents: Mapped[list[int]] = mapped_column(INTEGERS)
    value_units: Mapped[list[int]] = mapped_column(INTEGERS)  # all kinds together
    value_units_by_kind: Mapped[list[list[int]]] = mapped_column(INTEGERS_BY_KIND)  # VALUE_KINDS
    accepted_from: Mapped[date | None] = mapped_column(Date)  # first month with an accepted report


class FunderSeries(db.Model):
    """A funder's net paid gifts to one initiative as running totals per Amsterdam month.

    The funder is an organisation (gifts on its behalf) or a person (their own gifts, without an
    organisation). `kind` says what the funder put in: `gift` (the paid gifts described here);
    other kinds of holdings (investments, volunteer time) keep rows of their own kind. When one
    of that funder's paid contributions changes, its month is recounted and the later totals move
    (`figures.gift_month.update_gift`; in full: `figures.build.rebuild_funder_series`), so a
    portfolio reads one row per holding. Element n
    of `given_cents` is the total up to and including month n after `first_month`, up to the
    month of the last gift.
    """

    __tablename__ = "funder_series"
    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR user_id IS NOT NULL", name="has_a_funder"),
        Index("ix_funder_series_user", "user_id", "initiative_id"),
        Index("ix_funder_series_organisation", "organisation_id", "initiative_id"),
    )
    GIFT = "gift"
    TIME = "time"  # confirmed volunteer hours, valued in cents (`figures.time_given`)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column()  # the person, when organisation_id is NULL
    organisation_id: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20), default=GIFT, server_default=GIFT)
    first_month: Mapped[date] = mapped_column(Date)
    given_cents: Mapped[list[int]] = mapped_column(INTEGERS)
    first_paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_paid_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaleFigures(db.Model):
    """An initiative whose figures could not be updated after a change (the receiver failed).

    The `figures-stale` job rebuilds these from the sources and deletes the mark.
    """

    __tablename__ = "stale_figures"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
