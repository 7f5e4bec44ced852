"""Contributions (gifts), their provider events (an append-only ledger), refunds and chargebacks.

The core Contribution fields (initiative_id, user_id, amount_cents, currency, status, paid_at,
refunded_cents, charged_back_cents, net_cents, anonymous) are what other domains rely on.

Every change to money goes through `status.apply_payment_status`; the ledger
(`ContributionEvent`) holds one row per provider fact, with a unique key, so a replayed webhook
adds nothing. For every contribution: sum(ledger amounts) == balance_cents (what the gift left
the initiative: paid − tip − fee − refunded − charged back, with the platform's tip and fee
carrying refunds beyond the initiative's share), and net_cents (what reached the initiative) is
that balance, never below zero (`shares.GiftShares`).
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.donations.shares import GiftShares
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import UTCDateTime, utcnow


class ContributionStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELED = "canceled"
    EXPIRED = "expired"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CHARGED_BACK = "charged_back"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_final(self) -> bool:
        """Nothing more will happen without a new payment (or a refund/chargeback of a paid one)."""
        return self not in (ContributionStatus.OPEN, ContributionStatus.PENDING)

    @property
    def is_paid_family(self) -> bool:
        return self in PAID_FAMILY


PAID_FAMILY = frozenset(
    {
        ContributionStatus.PAID,
        ContributionStatus.PARTIALLY_REFUNDED,
        ContributionStatus.REFUNDED,
        ContributionStatus.CHARGED_BACK,
    }
)
UNPAID_FINAL = frozenset(
    {ContributionStatus.FAILED, ContributionStatus.CANCELED, ContributionStatus.EXPIRED}
)

# The legal transitions. A paid gift never goes back to open/pending/failed; an unpaid final
# state only moves to paid (a late "paid" from the provider is accepted and flagged). Within the
# paid family the status follows the refunded/charged-back amounts (a chargeback can be reversed).
TRANSITIONS: dict[ContributionStatus, frozenset[ContributionStatus]] = {
    ContributionStatus.OPEN: frozenset(
        {ContributionStatus.PENDING, ContributionStatus.PAID, *UNPAID_FINAL}
    ),
    ContributionStatus.PENDING: frozenset({ContributionStatus.PAID, *UNPAID_FINAL}),
    ContributionStatus.FAILED: frozenset({ContributionStatus.PAID}),
    ContributionStatus.CANCELED: frozenset({ContributionStatus.PAID}),
    ContributionStatus.EXPIRED: frozenset({ContributionStatus.PAID}),
    ContributionStatus.PAID: PAID_FAMILY - {ContributionStatus.PAID},
    ContributionStatus.PARTIALLY_REFUNDED: PAID_FAMILY - {ContributionStatus.PARTIALLY_REFUNDED},
    ContributionStatus.REFUNDED: PAID_FAMILY - {ContributionStatus.REFUNDED},
    ContributionStatus.CHARGED_BACK: PAID_FAMILY - {ContributionStatus.CHARGED_BACK},
}


def can_transition(current: ContributionStatus, new: ContributionStatus) -> bool:
    return new in TRANSITIONS[current]


STATUS_LABELS = {
    ContributionStatus.OPEN: _l("Waiting for payment"),
    ContributionStatus.PENDING: _l("Payment is being processed"),
    ContributionStatus.PAID: _l("Paid"),
    ContributionStatus.FAILED: _l("Payment failed"),
    ContributionStatus.CANCELED: _l("Payment canceled"),
    ContributionStatus.EXPIRED: _l("Payment expired"),
    ContributionStatus.PARTIALLY_REFUNDED: _l("Partially refunded"),
    ContributionStatus.REFUNDED: _l("Refunded"),
    ContributionStatus.CHARGED_BACK: _l("Charged back"),
}


class Interval(StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"


class Flag(StrEnum):
    """Why an admin must look at a contribution."""

    AMOUNT_MISMATCH = "amount_mismatch"
    LATE_PAYMENT = "late_payment"
    METADATA_MISMATCH = "metadata_mismatch"
    # Refunds and chargebacks together exceed what was paid (as the provider reports them).
    BELOW_ZERO = "below_zero"


# What `net_cents` reads: in the figures' covering indexes, so they answer it from the index.
NET_COLUMNS = ["amount_cents", "fee_cents", "refunded_cents", "charged_back_cents"]


class Contribution(GiftShares, db.Model):
    """One payment attempt for a gift (amount) plus an optional tip for the platform; what
    reaches the initiative is `net_cents` (see `shares.GiftShares`)."""

    __tablename__ = "contributions"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("refunded_cents >= 0", name="refunded_not_negative"),
        CheckConstraint("charged_back_cents >= 0", name="charged_back_not_negative"),
        CheckConstraint("attempt >= 1", name="attempt_positive"),
        CheckConstraint("tip_cents >= 0", name="tip_not_negative"),
        CheckConstraint("fee_cents >= 0 AND fee_cents <= amount_cents", name="fee_within_amount"),
        # Covering indexes for the figures (`figures.build`): one month of an initiative's gifts,
        # and one funder's gifts to an initiative, answered from the index alone on PostgreSQL.
        Index(
            "ix_contributions_initiative_paid_at",
            "initiative_id",
            "paid_at",
            postgresql_include=NET_COLUMNS,
        ),
        Index(
            "ix_contributions_portfolio_user",
            "user_id",
            "organisation_id",
            "initiative_id",
            "paid_at",
            postgresql_include=NET_COLUMNS,
            postgresql_where=text("paid_at IS NOT NULL"),
        ),
        Index(
            "ix_contributions_portfolio_organisation",
            "organisation_id",
            "initiative_id",
            "paid_at",
            postgresql_include=NET_COLUMNS,
            postgresql_where=text("paid_at IS NOT NULL"),
        ),
        # Guest gifts by address, linked to the account registered with it later.
        Index(
            "ix_contributions_guest_email",
            "donor_email",
            postgresql_where=text("user_id IS NULL"),
            sqlite_where=text("user_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Given on behalf of this organisation (its portfolio, not the clicking person's).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[ContributionStatus] = mapped_column(
        str_enum(ContributionStatus), default=ContributionStatus.OPEN, index=True
    )
    interval: Mapped[Interval] = mapped_column(str_enum(Interval), default=Interval.ONCE)
    provider: Mapped[str] = mapped_column(String(20))
    provider_payment_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # A second provider id for the same payment (Stripe: the PaymentIntent behind a session).
    provider_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    checkout_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Provider calls use the key "contribution-<id>-attempt-<attempt>".
    attempt: Mapped[int] = mapped_column(default=1)
    method: Mapped[str] = mapped_column(String(30), default="ideal")
    anonymous: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    donor_name: Mapped[str] = mapped_column(String(200), default="")
    donor_email: Mapped[str] = mapped_column(String(254), default="")
    # The language of the donor's mails (a guest has no account that keeps it).
    locale: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    refunded_cents: Mapped[int] = mapped_column(default=0)
    charged_back_cents: Mapped[int] = mapped_column(default=0)
    # Platform income: a tip on top of the gift, and the platform's fee out of it.
    tip_cents: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    fee_cents: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # The initiative's own provider account the payment was made to (a Stripe destination
    # charge, a payment on behalf of its Mollie organisation); None: the platform received it.
    destination_account: Mapped[str | None] = mapped_column(String(100))
    recurring_gift_id: Mapped[int | None] = mapped_column(
        ForeignKey("recurring_gifts.id"), index=True
    )
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    receipt_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative] = relationship()
    user: Mapped[User | None] = relationship()
    recurring_gift: Mapped["RecurringGift | None"] = relationship(
        back_populates="contributions", foreign_keys=[recurring_gift_id]
    )
    refunds: Mapped[list["Refund"]] = relationship(
        back_populates="contribution", order_by="Refund.id"
    )
    chargebacks: Mapped[list["Chargeback"]] = relationship(
        back_populates="contribution", order_by="Chargeback.id"
    )
    events: Mapped[list["ContributionEvent"]] = relationship(
        back_populates="contribution", order_by="ContributionEvent.id"
    )

    @property
    def refundable_cents(self) -> int:
        """What can still be refunded: the payment (gift and tip) net of earlier refunds."""
        return self.received_cents if self.status in PAID_FAMILY else 0

    @property
    def paid_directly(self) -> bool:
        """Paid into the initiative's own provider account (not received by the platform)."""
        return bool(self.destination_account)

    @property
    def idempotency_key(self) -> str:
        return f"contribution-{self.id}-attempt-{self.attempt}"

    @property
    def public_name(self) -> str:
        return "" if self.anonymous else (self.donor_name or "")

    def __repr__(self) -> str:
        return f"<Contribution {self.id} {self.status} {self.amount_cents}>"


class EventKind(StrEnum):
    STATUS = "status"  # a status change without money (pending, failed, ...)
    PAYMENT = "payment"  # + amount: the gift was paid
    REFUND = "refund"  # − amount
    REFUND_REVERSED = "refund_reversed"  # + amount: a counted refund failed/was canceled
    CHARGEBACK = "chargeback"  # − amount
    CHARGEBACK_REVERSED = "chargeback_reversed"  # + amount
    FLAG = "flag"  # no money: something for an admin
    TIP = "tip"  # − tip: the donor's tip goes to the platform
    FEE = "fee"  # − fee: the platform's fee out of the gift
    PLATFORM_REFUND = "platform_refund"  # + amount: a refund beyond the share, carried by the
    PLATFORM_REFUND_REVERSED = "platform_refund_rev"  # platform's fee and tip (and its reversal)


class ContributionEvent(db.Model):
    """Append-only ledger: one row per provider fact; `event_key` makes a replay a no-op.

    amount_cents is the signed effect on what reaches the initiative: the payment (gift and tip)
    in, refunds and chargebacks out, the tip and fee to the platform, and the platform's part of
    a refund beyond the initiative's share back; per contribution the rows sum to net_cents.
    """

    __tablename__ = "contribution_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    amount_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    source: Mapped[str] = mapped_column(String(30), default="")  # webhook, return, reconcile...
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contribution: Mapped[Contribution] = relationship(back_populates="events")


class Refund(db.Model):
    """A refund of (part of) a paid contribution, keyed by the provider's refund id."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    provider_refund_id: Mapped[str] = mapped_column(String(100), unique=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[str] = mapped_column(String(20))  # pending | refunded | failed | canceled
    counted: Mapped[bool] = mapped_column(default=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contribution: Mapped[Contribution] = relationship(back_populates="refunds")


class Chargeback(db.Model):
    """A chargeback (Mollie) or lost dispute (Stripe), keyed by the provider's id."""

    __tablename__ = "chargebacks"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), index=True)
    provider_chargeback_id: Mapped[str] = mapped_column(String(100), unique=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    reversed: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contribution: Mapped[Contribution] = relationship(back_populates="chargebacks")


class RecurringStatus(StrEnum):
    PENDING = "pending"  # first payment not yet paid
    ACTIVE = "active"
    CANCELED = "canceled"
    FAILED = "failed"  # the first payment did not succeed


RECURRING_TRANSITIONS = {
    RecurringStatus.PENDING: frozenset(
        {RecurringStatus.ACTIVE, RecurringStatus.CANCELED, RecurringStatus.FAILED}
    ),
    RecurringStatus.ACTIVE: frozenset({RecurringStatus.CANCELED}),
    RecurringStatus.FAILED: frozenset({RecurringStatus.ACTIVE}),
    RecurringStatus.CANCELED: frozenset(),
}


class RecurringGift(db.Model):
    """A monthly gift: a provider customer + subscription; each payment is its own Contribution."""

    __tablename__ = "recurring_gifts"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        UniqueConstraint("provider", "provider_subscription_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    amount_cents: Mapped[int]
    tip_cents: Mapped[int] = mapped_column(default=0, server_default=text("0"))  # each month
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    provider: Mapped[str] = mapped_column(String(20))
    provider_customer_id: Mapped[str | None] = mapped_column(String(100))
    provider_subscription_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[RecurringStatus] = mapped_column(
        str_enum(RecurringStatus), default=RecurringStatus.PENDING, index=True
    )
    anonymous: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    first_contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributions.id", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    initiative: Mapped[Initiative] = relationship()

    @property
    def is_running(self) -> bool:
        return self.status in (RecurringStatus.ACTIVE, RecurringStatus.PENDING)

    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="recurring_gift",
        foreign_keys=[Contribution.recurring_gift_id],
        order_by=Contribution.id,
    )
