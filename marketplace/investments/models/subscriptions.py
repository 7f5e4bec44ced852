"""Subscriptions to offers, and their ledger.

A subscription is one investor's commitment to an offer and its payment through a provider
(its own row, not a gift's `Contribution`: see docs/decisions.md). Only `payments.apply_payment`
changes its money, holding the offer's and the subscription's row locks; every money fact is one
`SubscriptionEvent` under a unique key, so a replayed webhook or a repeated closing run adds
nothing. Per subscription:

    paid in (net)  = Σ payment + refund + refund_reversed + chargeback + chargeback_reversed
    money back     = Σ interest + principal       (each instalment split pro rata, to the cent)
    written off    = Σ write_off
"""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.investments.models.offers import Offer
from marketplace.timeutil import UTCDateTime, utcnow


class SubscriptionStatus(StrEnum):
    OPEN = "open"  # waiting for the payment
    RESERVED = "reserved"  # paid; held until the offer closes
    UNPAID = "unpaid"  # the payment failed, was canceled or expired
    REVOKED = "revoked"  # revoked in the reflection period: everything is refunded
    REFUNDED = "refunded"  # the offer missed its target: everything is refunded
    ACTIVE = "active"  # the offer was funded: a holding
    REPAID = "repaid"  # all principal back (a member left and was repaid the nominal value)
    WRITTEN_OFF = "written_off"  # the offer defaulted

    @property
    def label(self) -> str:
        return str(SUBSCRIPTION_STATUS_LABELS[self])


SUBSCRIPTION_STATUS_LABELS = {
    SubscriptionStatus.OPEN: _l("Waiting for payment"),
    SubscriptionStatus.RESERVED: _l("Reserved until the offer closes"),
    SubscriptionStatus.UNPAID: _l("Not paid"),
    SubscriptionStatus.REVOKED: _l("Revoked"),
    SubscriptionStatus.REFUNDED: _l("Refunded: target not reached"),
    SubscriptionStatus.ACTIVE: _l("Active"),
    SubscriptionStatus.REPAID: _l("Repaid"),
    SubscriptionStatus.WRITTEN_OFF: _l("Written off"),
}

SUBSCRIPTION_TRANSITIONS: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    SubscriptionStatus.OPEN: frozenset(
        {SubscriptionStatus.RESERVED, SubscriptionStatus.UNPAID, SubscriptionStatus.REVOKED}
    ),
    # A late "paid" while the offer is still open reserves after all.
    SubscriptionStatus.UNPAID: frozenset({SubscriptionStatus.RESERVED}),
    SubscriptionStatus.RESERVED: frozenset(
        {SubscriptionStatus.REVOKED, SubscriptionStatus.REFUNDED, SubscriptionStatus.ACTIVE}
    ),
    SubscriptionStatus.REVOKED: frozenset(),
    SubscriptionStatus.REFUNDED: frozenset(),
    SubscriptionStatus.ACTIVE: frozenset(
        {SubscriptionStatus.REPAID, SubscriptionStatus.WRITTEN_OFF}
    ),
    SubscriptionStatus.REPAID: frozenset(),
    SubscriptionStatus.WRITTEN_OFF: frozenset(),
}

# Statuses that hold room in the offer (no oversubscription counts these).
HOLDS_ROOM = frozenset(
    {SubscriptionStatus.OPEN, SubscriptionStatus.RESERVED, SubscriptionStatus.ACTIVE}
)
# Statuses in which whatever was paid must go back to the investor.
REFUND_DUE = frozenset(
    {SubscriptionStatus.UNPAID, SubscriptionStatus.REVOKED, SubscriptionStatus.REFUNDED}
)
# Statuses of a holding: money that went to the initiative.
INVESTED = frozenset(
    {SubscriptionStatus.ACTIVE, SubscriptionStatus.REPAID, SubscriptionStatus.WRITTEN_OFF}
)


def can_transition(current: SubscriptionStatus, new: SubscriptionStatus) -> bool:
    return new in SUBSCRIPTION_TRANSITIONS[current]


class Subscription(db.Model):
    """One investor's subscription to an offer and its payment."""

    __tablename__ = "offer_subscriptions"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("units IS NULL OR units > 0", name="units_positive"),
        CheckConstraint("paid_cents >= 0", name="paid_not_negative"),
        CheckConstraint("refunded_cents >= 0", name="refunded_not_negative"),
        CheckConstraint("charged_back_cents >= 0", name="charged_back_not_negative"),
        CheckConstraint("attempt >= 1", name="attempt_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Invested on behalf of this organisation (its portfolio, not the clicking person's).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    amount_cents: Mapped[int]
    units: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[SubscriptionStatus] = mapped_column(
        str_enum(SubscriptionStatus), default=SubscriptionStatus.OPEN, index=True
    )
    sheet_version: Mapped[int]  # the information sheet the investor was shown
    risk_acknowledged: Mapped[bool] = mapped_column(default=False)
    reflection_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    provider: Mapped[str] = mapped_column(String(20))
    provider_payment_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    provider_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    checkout_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt: Mapped[int] = mapped_column(default=1)
    method: Mapped[str] = mapped_column(String(30), default="ideal")
    paid_cents: Mapped[int] = mapped_column(default=0)
    refunded_cents: Mapped[int] = mapped_column(default=0)
    charged_back_cents: Mapped[int] = mapped_column(default=0)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exited_on: Mapped[date | None] = mapped_column(Date)  # a member left the cooperative
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    offer: Mapped[Offer] = relationship()
    user: Mapped[User] = relationship()
    events: Mapped[list["SubscriptionEvent"]] = relationship(
        back_populates="subscription", order_by="SubscriptionEvent.id"
    )

    @property
    def net_cents(self) -> int:
        """Paid in, net of refunds and chargebacks."""
        return self.paid_cents - self.refunded_cents - self.charged_back_cents

    @property
    def refund_owed_cents(self) -> int:
        """What must still go back to the investor (revoked, not paid in time, offer failed)."""
        return self.net_cents if self.status in REFUND_DUE and self.net_cents > 0 else 0

    @property
    def idempotency_key(self) -> str:
        return f"subscription-{self.id}-attempt-{self.attempt}"

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {self.status} {self.amount_cents}>"


class EntryKind(StrEnum):
    STATUS = "status"  # no money
    PAYMENT = "payment"  # + paid in
    REFUND = "refund"  # − paid back by the provider
    REFUND_REVERSED = "refund_reversed"  # + a counted refund failed
    CHARGEBACK = "chargeback"  # −
    CHARGEBACK_REVERSED = "chargeback_reversed"  # +
    INTEREST = "interest"  # + interest received from the initiative
    PRINCIPAL = "principal"  # + principal repaid (a member's nominal value at exit)
    WRITE_OFF = "write_off"  # + principal written off after a default
    FLAG = "flag"  # no money: something for an admin


PAID_IN_KINDS = (
    EntryKind.PAYMENT,
    EntryKind.REFUND,
    EntryKind.REFUND_REVERSED,
    EntryKind.CHARGEBACK,
    EntryKind.CHARGEBACK_REVERSED,
)


class SubscriptionEvent(db.Model):
    """The investor's ledger: append-only, one row per fact; `event_key` makes a replay a no-op.

    `occurred_on` is the Amsterdam day the money moved (statements and XIRR are dated by it).
    """

    __tablename__ = "subscription_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("offer_subscriptions.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    amount_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    repayment_id: Mapped[int | None] = mapped_column(ForeignKey("offer_repayments.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(30), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription: Mapped[Subscription] = relationship(back_populates="events")


class SubscriptionRefund(db.Model):
    """A refund of (part of) a subscription's payment, keyed by the provider's refund id."""

    __tablename__ = "subscription_refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("offer_subscriptions.id"), index=True)
    provider_refund_id: Mapped[str] = mapped_column(String(100), unique=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[str] = mapped_column(String(20))  # pending | refunded | failed | canceled
    counted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
