"""Contributions (gifts), their provider events (an append-only ledger), refunds and chargebacks.

The payments work extends this module; the core fields below are what other domains rely on.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
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


class Interval(StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"


class Contribution(db.Model):
    """One payment attempt for a gift; what counts as given is amount − refunded − charged back."""

    __tablename__ = "contributions"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("refunded_cents >= 0", name="refunded_not_negative"),
        CheckConstraint("charged_back_cents >= 0", name="charged_back_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[ContributionStatus] = mapped_column(
        str_enum(ContributionStatus), default=ContributionStatus.OPEN, index=True
    )
    interval: Mapped[Interval] = mapped_column(str_enum(Interval), default=Interval.ONCE)
    provider: Mapped[str] = mapped_column(String(20))
    provider_payment_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    method: Mapped[str] = mapped_column(String(30), default="ideal")
    anonymous: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    donor_name: Mapped[str] = mapped_column(String(200), default="")
    donor_email: Mapped[str] = mapped_column(String(254), default="")
    refunded_cents: Mapped[int] = mapped_column(default=0)
    charged_back_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    initiative: Mapped[Initiative] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def net_cents(self) -> int:
        """What counts as given: paid, net of refunds and chargebacks (0 unless paid)."""
        if self.paid_at is None:
            return 0
        return self.amount_cents - self.refunded_cents - self.charged_back_cents
