"""Offers of member shares, loans and bonds; their versioned information sheets, the instalments
an initiative records, and the payout of a funded offer.

An offer's status follows `OFFER_TRANSITIONS`; member shares stop at `funded` (they have no
repayment schedule: a member is repaid the nominal value when leaving).
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.investments.schedules import Frequency, Repayment
from marketplace.timeutil import UTCDateTime, utcnow

RATE = Numeric(5, 2)  # a yearly percentage: "4.50"


class OfferKind(StrEnum):
    MEMBER_SHARE = "member_share"
    LOAN = "loan"
    BOND = "bond"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def has_units(self) -> bool:
        """Shares and bonds are sold in units of `unit_price`; a loan in any amount."""
        return self in (OfferKind.MEMBER_SHARE, OfferKind.BOND)

    @property
    def has_schedule(self) -> bool:
        return self in (OfferKind.LOAN, OfferKind.BOND)


KIND_LABELS = {
    OfferKind.MEMBER_SHARE: _l("Member shares"),
    OfferKind.LOAN: _l("Social loan"),
    OfferKind.BOND: _l("Bond"),
}


class OfferStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    OPEN = "open"
    FUNDED = "funded"
    FAILED = "failed"
    REPAYING = "repaying"
    REPAID = "repaid"
    DEFAULTED = "defaulted"

    @property
    def label(self) -> str:
        return str(OFFER_STATUS_LABELS[self])


OFFER_STATUS_LABELS = {
    OfferStatus.DRAFT: _l("Draft"),
    OfferStatus.IN_REVIEW: _l("Awaiting approval"),
    OfferStatus.OPEN: _l("Open for subscriptions"),
    OfferStatus.FUNDED: _l("Funded"),
    OfferStatus.FAILED: _l("Target not reached"),
    OfferStatus.REPAYING: _l("Repaying"),
    OfferStatus.REPAID: _l("Repaid"),
    OfferStatus.DEFAULTED: _l("Defaulted"),
}

# draft → in_review → open → funded | failed → repaying → repaid | defaulted. A change after
# approval sends an open offer back to review; an admin may send one in review back to draft;
# the closing decides an approved offer even while a later change is in review;
# a loan can default before its first instalment was paid.
OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.DRAFT: frozenset({OfferStatus.IN_REVIEW}),
    # An approved offer whose later change is still in review closes as approved.
    OfferStatus.IN_REVIEW: frozenset(
        {OfferStatus.OPEN, OfferStatus.DRAFT, OfferStatus.FUNDED, OfferStatus.FAILED}
    ),
    OfferStatus.OPEN: frozenset({OfferStatus.IN_REVIEW, OfferStatus.FUNDED, OfferStatus.FAILED}),
    OfferStatus.FUNDED: frozenset({OfferStatus.REPAYING, OfferStatus.DEFAULTED}),
    OfferStatus.FAILED: frozenset(),
    OfferStatus.REPAYING: frozenset({OfferStatus.REPAID, OfferStatus.DEFAULTED}),
    OfferStatus.REPAID: frozenset(),
    OfferStatus.DEFAULTED: frozenset(),
}


def can_move(kind: OfferKind, current: OfferStatus, new: OfferStatus) -> bool:
    """Whether an offer of `kind` may go from `current` to `new` (member shares stop at funded)."""
    if kind == OfferKind.MEMBER_SHARE and current == OfferStatus.FUNDED:
        return False
    return new in OFFER_TRANSITIONS[current]


class Offer(db.Model):
    """An initiative's offer of member shares, a loan or bonds, with its terms."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("target_cents > 0", name="target_positive"),
        CheckConstraint("minimum_cents > 0", name="minimum_positive"),
        CheckConstraint("maximum_cents >= minimum_cents", name="maximum_not_below_minimum"),
        CheckConstraint("interest_rate >= 0", name="rate_not_negative"),
        CheckConstraint("term_months IS NULL OR term_months > 0", name="term_positive"),
        CheckConstraint("unit_price_cents IS NULL OR unit_price_cents > 0", name="unit_positive"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[OfferKind] = mapped_column(str_enum(OfferKind))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[OfferStatus] = mapped_column(
        str_enum(OfferStatus), default=OfferStatus.DRAFT, index=True
    )
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    target_cents: Mapped[int]
    minimum_cents: Mapped[int]
    maximum_cents: Mapped[int]
    unit_price_cents: Mapped[int | None]
    interest_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal("0.00"))
    term_months: Mapped[int | None]
    repayment: Mapped[Repayment | None] = mapped_column(str_enum(Repayment))
    frequency: Mapped[Frequency | None] = mapped_column(str_enum(Frequency))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    all_or_nothing: Mapped[bool] = mapped_column(default=True)
    use_of_proceeds: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    # The information sheet: `sheet_version` is the latest version submitted, `approved_version`
    # the one investors see and subscribe to.
    sheet_version: Mapped[int] = mapped_column(default=0)
    approved_version: Mapped[int | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    funded_cents: Mapped[int | None]
    repayment_start: Mapped[date | None] = mapped_column(Date)  # schedules count from this day
    late_since: Mapped[date | None] = mapped_column(Date)  # due date of the oldest open instalment
    defaulted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    initiative: Mapped[Initiative] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_public(self) -> bool:
        """Investors see an offer once it was approved (also after it closed)."""
        return self.approved_version is not None and self.status != OfferStatus.DRAFT

    def is_managed_by(self, user) -> bool:
        """The initiative's owners manage its offers (admins review them)."""
        return self.initiative.is_owned_by(user)

    def __repr__(self) -> str:
        return f"<Offer {self.id} {self.kind} {self.status}>"


class OfferSheet(db.Model):
    """One version of an offer's Key Investment Information Sheet: the offer's content as
    submitted, frozen; `approved_at` once an admin approved it."""

    __tablename__ = "offer_sheets"
    __table_args__ = (UniqueConstraint("offer_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RepaymentRecord(db.Model):
    """An instalment the initiative paid, as its owner recorded it; split over the investors'
    ledgers in the same transaction (`SubscriptionEvent.repayment_id`)."""

    __tablename__ = "offer_repayments"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    paid_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payout(db.Model):
    """Money of a funded offer to be released to the initiative (one per offer).

    A small record of its own until the payouts work gives every payout one table; `status`
    is `pending` until the money was transferred.
    """

    __tablename__ = "offer_payouts"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), unique=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
