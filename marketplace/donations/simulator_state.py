"""The payment simulator's side (what a provider would keep), in the database: payments, and for
payouts the initiatives' test accounts and the transfers to them. Refused in production."""

from datetime import datetime

from sqlalchemy import String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class SimulatorPayment(db.Model):
    """The payment simulator's own state (the 'provider side'), kept in the database so that any
    worker can serve its checkout page. Refused in production by the configuration."""

    __tablename__ = "simulator_payments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    description: Mapped[str] = mapped_column(String(255), default="")
    method: Mapped[str] = mapped_column(String(30), default="ideal")
    status: Mapped[str] = mapped_column(String(20), default="open")
    redirect_url: Mapped[str] = mapped_column(String(500), default="")
    contribution_id: Mapped[int | None]
    destination_account: Mapped[str | None] = mapped_column(String(100))  # simacct_...
    application_fee_cents: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    refunds_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
