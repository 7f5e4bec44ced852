"""What the platform knows about an investor under the crowdfunding regulation (ECSPR art. 21):
whether they are treated as sophisticated, their loss-bearing capacity simulation, and their
attempts at the entry knowledge test."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class Sophistication(StrEnum):
    NONE = "none"  # non-sophisticated (the default)
    REQUESTED = "requested"  # declared, waiting for an admin
    ACCEPTED = "accepted"  # treated as sophisticated
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return str(SOPHISTICATION_LABELS[self])


SOPHISTICATION_LABELS = {
    Sophistication.NONE: _l("Non-sophisticated investor"),
    Sophistication.REQUESTED: _l("Request to be treated as sophisticated: under review"),
    Sophistication.ACCEPTED: _l("Sophisticated investor"),
    Sophistication.REJECTED: _l("Request to be treated as sophisticated: not accepted"),
}


class InvestorProfile(db.Model):
    """One per investor (created on first use)."""

    __tablename__ = "investor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    sophistication: Mapped[Sophistication] = mapped_column(
        str_enum(Sophistication), default=Sophistication.NONE
    )
    criteria: Mapped[list] = mapped_column(JSON, default=list)  # the criteria declared as met
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The loss-bearing capacity simulation, in cents (commitments are yearly).
    net_income_cents: Mapped[int | None]
    liquid_assets_cents: Mapped[int | None]
    commitments_cents: Mapped[int | None]
    simulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_sophisticated(self) -> bool:
        return self.sophistication == Sophistication.ACCEPTED

    @property
    def net_worth_cents(self) -> int | None:
        """Yearly net income + liquid assets − yearly commitments (None before the simulation)."""
        if self.simulated_at is None:
            return None
        return (
            (self.net_income_cents or 0)
            + (self.liquid_assets_cents or 0)
            - (self.commitments_cents or 0)
        )


class KnowledgeTestAttempt(db.Model):
    """One attempt at the entry knowledge test; a pass is valid for two years."""

    __tablename__ = "knowledge_test_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    test_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict] = mapped_column(JSON)
    correct: Mapped[int]
    questions: Mapped[int]
    passed: Mapped[bool]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
