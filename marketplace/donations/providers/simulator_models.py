"""The payment simulator's Connect side: initiatives' test accounts and the transfers to them.

Kept in the database like `SimulatorPayment`, so every worker sees the same state. Refused in
production with the rest of the simulator.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class SimulatorAccount(db.Model):
    """An initiative's account at the simulator; its owner picks the onboarding outcome."""

    __tablename__ = "simulator_accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # simacct_...
    initiative_id: Mapped[int]
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    return_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SimulatorTransfer(db.Model):
    """A transfer the platform made to a simulator account (one per idempotency key)."""

    __tablename__ = "simulator_transfers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # simtr_...
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    account_id: Mapped[str] = mapped_column(String(40), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
