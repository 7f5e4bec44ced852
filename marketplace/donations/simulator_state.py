"""The payment simulator's side of a payment (what a provider would keep), in the database."""

from datetime import datetime

from sqlalchemy import String, Text
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
    refunds_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
