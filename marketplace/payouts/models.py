"""What the platform owes each initiative and where that money is: payout accounts, payouts per
source (a gift, a funded investment), their append-only ledger, and transfers.

A `Payout` holds three running balances for one source, each the sum of its ledger rows
(`PayoutEvent`, one row per fact under a unique key):

* `direct_cents`: paid straight into the initiative's own provider account (a destination charge,
  a payment created on behalf of its Mollie organisation);
* `held_cents`: held by the platform for the initiative (negative: the initiative owes it back,
  after a refund of money it already received);
* `transferred_cents`: transferred by the platform to the initiative's account.

Their sum is what the initiative is owed from the source (for a gift: `Contribution.net_cents`).
Money moves held → transferred in a `Transfer` batch once the initiative's account is active.
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import UTCDateTime, utcnow


class AccountStatus(StrEnum):
    """An initiative's payout account at its provider (the provider does the identity checks)."""

    PENDING = "pending"  # connected, but the provider still needs information
    IN_REVIEW = "in_review"  # submitted; the provider is checking it
    ACTIVE = "active"  # can receive payments and payouts
    RESTRICTED = "restricted"  # the provider stopped payments or payouts for now
    DISCONNECTED = "disconnected"  # the connection was revoked

    @property
    def label(self) -> str:
        return str(ACCOUNT_STATUS_LABELS[self])


ACCOUNT_STATUS_LABELS = {
    AccountStatus.PENDING: _l("Onboarding: the provider needs information"),
    AccountStatus.IN_REVIEW: _l("Onboarding: being checked by the provider"),
    AccountStatus.ACTIVE: _l("Active: gifts go straight to your account"),
    AccountStatus.RESTRICTED: _l("Restricted: the provider needs more information"),
    AccountStatus.DISCONNECTED: _l("Disconnected"),
}

_NOT_ACTIVE = {AccountStatus.PENDING, AccountStatus.IN_REVIEW, AccountStatus.RESTRICTED}
ACCOUNT_TRANSITIONS: dict[AccountStatus, frozenset[AccountStatus]] = {
    status: frozenset(set(AccountStatus) - {status})
    for status in (*_NOT_ACTIVE, AccountStatus.ACTIVE)
}
# A revoked connection only comes back through a new connection (onboarding starts again).
ACCOUNT_TRANSITIONS[AccountStatus.DISCONNECTED] = frozenset({AccountStatus.PENDING})


class PayoutAccount(db.Model):
    """An initiative's own account at a payment provider (Stripe Express, Mollie organisation)."""

    __tablename__ = "payout_accounts"
    __table_args__ = (
        UniqueConstraint("initiative_id", "provider"),
        UniqueConstraint("provider", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(String(100))  # acct_..., org_..., simacct_...
    profile_id: Mapped[str] = mapped_column(String(100), default="")  # Mollie website profile
    # OAuth tokens (Mollie) as JSON; never logged, never shown, removed when disconnected.
    oauth_token: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AccountStatus] = mapped_column(
        str_enum(AccountStatus), default=AccountStatus.PENDING, index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")  # the account holder's name
    requirements: Mapped[str] = mapped_column(Text, default="")  # what the provider still needs
    onboarding_url: Mapped[str] = mapped_column(String(500), default="")  # continue there
    connected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE


class SourceKind(StrEnum):
    GIFT = "gift"  # a Contribution
    INVESTMENT = "investment"  # a funded investment (offer subscription)


class Route(StrEnum):
    PLATFORM = "platform"  # the platform received the money and holds it until it transfers
    DIRECT = "direct"  # the provider paid the initiative's own account


class Payout(db.Model):
    """What one source owes one initiative, and where that money is (see the module docstring)."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id"),
        Index("ix_payouts_initiative_held", "initiative_id", "held_cents"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    source_kind: Mapped[SourceKind] = mapped_column(str_enum(SourceKind))
    source_id: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    route: Mapped[Route] = mapped_column(str_enum(Route), default=Route.PLATFORM)
    provider: Mapped[str] = mapped_column(String(20), default="")
    # The provider's payment the money came in with (a Mollie route or Stripe transfer source).
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    account_id: Mapped[str | None] = mapped_column(String(100))  # the account paid directly
    held_cents: Mapped[int] = mapped_column(default=0)
    transferred_cents: Mapped[int] = mapped_column(default=0)
    direct_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    initiative: Mapped[Initiative] = relationship()
    events: Mapped[list["PayoutEvent"]] = relationship(
        back_populates="payout", order_by="PayoutEvent.id"
    )

    @property
    def owed_cents(self) -> int:
        return self.held_cents + self.transferred_cents + self.direct_cents


class PayoutEventKind(StrEnum):
    HELD = "held"  # money in, held by the platform (or, negative, taken back while held)
    DIRECT = "direct"  # money paid into (or taken from) the initiative's own account
    ADJUSTED = "adjusted"  # a refund or chargeback that touched both
    TRANSFERRED = "transferred"  # held → transferred (in a transfer batch)
    TRANSFER_FAILED = "transfer_failed"  # a batch the provider refused: transferred → held


class PayoutEvent(db.Model):
    """Append-only ledger of a payout: each row moves money between its three balances."""

    __tablename__ = "payout_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PayoutEventKind] = mapped_column(str_enum(PayoutEventKind))
    held_delta: Mapped[int] = mapped_column(default=0)
    transferred_delta: Mapped[int] = mapped_column(default=0)
    direct_delta: Mapped[int] = mapped_column(default=0)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("payout_transfers.id"), index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    payout: Mapped[Payout] = relationship(back_populates="events")


class TransferStatus(StrEnum):
    PENDING = "pending"  # claimed; the provider call is under way or must be retried
    PAID = "paid"  # the provider made the transfer
    FAILED = "failed"  # the provider refused it; the money is held again

    @property
    def label(self) -> str:
        return str(TRANSFER_STATUS_LABELS[self])


TRANSFER_STATUS_LABELS = {
    TransferStatus.PENDING: _l("Being transferred"),
    TransferStatus.PAID: _l("Transferred"),
    TransferStatus.FAILED: _l("Transfer failed"),
}
TRANSFER_TRANSITIONS = {
    TransferStatus.PENDING: frozenset({TransferStatus.PAID, TransferStatus.FAILED}),
    TransferStatus.PAID: frozenset(),
    TransferStatus.FAILED: frozenset(),
}


class Transfer(db.Model):
    """One batch of held money sent to an initiative's account (idempotent at the provider)."""

    __tablename__ = "payout_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(String(100))
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[TransferStatus] = mapped_column(
        str_enum(TransferStatus), default=TransferStatus.PENDING, index=True
    )
    # The provider's id(s): a Stripe transfer, a simulator transfer, or Mollie routes.
    provider_reference: Mapped[str] = mapped_column(Text, default="")
    failure: Mapped[str] = mapped_column(String(300), default="")
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(String(300), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative] = relationship()
    events: Mapped[list[PayoutEvent]] = relationship(order_by="PayoutEvent.id")

    @property
    def idempotency_key(self) -> str:
        return f"payout-transfer-{self.id}"
