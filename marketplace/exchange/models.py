"""Precomputed exchange data: one quote per initiative and the monthly index points per theme.

Both are derived from the shared monthly figures (`marketplace.figures`) by `exchange.quotes`, so
the public pages and the open data API only read small, indexed tables and never compute per
request.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow

AMOUNT = Numeric(20, 4)
RATIO = Numeric(18, 6)
ALL = "all"  # the index over all themes


class ExchangeQuote(db.Model):
    """A published initiative with at least one accepted outcome report, as of the current month.

    `quoted` is True when it also has inputs (so a social return); only quoted rows are on the
    board and in the indices, while every row counts in "what society saves".
    """

    __tablename__ = "exchange_quotes"
    __table_args__ = (Index("ix_exchange_quotes_theme_return", "theme", "social_return"),)

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(20), index=True)
    municipality: Mapped[str] = mapped_column(String(100), index=True)
    province: Mapped[str] = mapped_column(String(50), default="", index=True)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    platform_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    declared_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    inputs_cents: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    value_total: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0))
    value_fiscal: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0))
    value_wellbeing: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0))
    value_environmental: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0))
    value_economic: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0))
    social_return: Mapped[Decimal | None] = mapped_column(RATIO, index=True)
    change_3m: Mapped[Decimal | None] = mapped_column(RATIO)
    change_12m: Mapped[Decimal | None] = mapped_column(RATIO)
    evidence_level: Mapped[int | None] = mapped_column()
    quoted: Mapped[bool] = mapped_column(default=False, index=True)
    first_month: Mapped[date] = mapped_column(Date)
    as_of: Mapped[date] = mapped_column(Date)
    metric_codes: Mapped[str] = mapped_column(String(2000), default="")
    # The most similar quoted initiatives elsewhere (indices.comparables), chosen when quotes are
    # rebuilt: [{"id", "score", "size", "overlap"}], best first.
    comparables: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def weak_evidence(self) -> bool:
        return (self.evidence_level or 0) <= 2

    @property
    def metric_code_set(self) -> frozenset[str]:
        return frozenset(code for code in self.metric_codes.split(",") if code)


class ExchangeIndexPoint(db.Model):
    """One month of one index (a theme's, or `all`); only months with an index value are stored."""

    __tablename__ = "exchange_index_points"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[Decimal] = mapped_column(RATIO)
    quoted_count: Mapped[int] = mapped_column(default=0)
    inputs_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    social_value: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal(0))
    aggregate_return: Mapped[Decimal | None] = mapped_column(RATIO)


class ExchangeIndexState(db.Model):
    """When each index was last rebuilt (shown as the freshness of the exchange's figures)."""

    __tablename__ = "exchange_index_states"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaleQuote(db.Model):
    """An initiative whose figures changed since its quote was built (`exchange.quotes`)."""

    __tablename__ = "exchange_stale_quotes"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeerGroup(db.Model):
    """Quartiles of the social return of quoted initiatives per theme and size band.

    Rebuilt with the quotes (`exchange.peers.refresh_peer_groups`); portfolios compare holdings
    with them.
    """

    __tablename__ = "exchange_peer_groups"

    theme: Mapped[str] = mapped_column(String(20), primary_key=True)
    size_band: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    q1: Mapped[Decimal] = mapped_column(RATIO)
    median: Mapped[Decimal] = mapped_column(RATIO)
    q3: Mapped[Decimal] = mapped_column(RATIO)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
