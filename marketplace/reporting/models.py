"""Scheduled reports (one row per owner and period), recipients' preferences, reminders sent.

Exactly once: `Report` is unique per (owner_type, owner_id, period_start, period_end); a run claims
the row before building it, and queues the report's mails (the outbox, `marketplace.mail`) in the
same transaction that marks it built.
"""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, deferred, mapped_column

from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class OwnerType(StrEnum):
    """Whose report: a person's portfolio, an organisation's portfolio, or an initiative."""

    USER = "user"
    ORGANISATION = "organisation"
    INITIATIVE = "initiative"


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    OFF = "off"

    @property
    def label(self) -> str:
        return str(CADENCE_LABELS[self])


CADENCE_LABELS = {
    Cadence.MONTHLY: _l("Monthly"),
    Cadence.QUARTERLY: _l("Quarterly"),
    Cadence.OFF: _l("Off: no reports"),
}


class ReportState(StrEnum):
    CLAIMED = "claimed"  # a runner is building it (claimed_by, claimed_at)
    BUILT = "built"  # HTML + PDF stored and its mails queued, in one transaction
    SENT = "sent"  # every queued mail of the report was delivered
    FAILED = "failed"  # building raised; retried by a later run

    @property
    def label(self) -> str:
        return str(REPORT_STATE_LABELS[self])


REPORT_STATE_LABELS = {
    ReportState.CLAIMED: _l("Being prepared"),
    ReportState.BUILT: _l("Ready, being sent"),
    ReportState.SENT: _l("Sent"),
    ReportState.FAILED: _l("Failed"),
}

# A stale claim (a crashed runner) is taken over by compare-and-set on claimed_at, never by state.
REPORT_TRANSITIONS: dict[ReportState, frozenset[ReportState]] = {
    ReportState.CLAIMED: frozenset({ReportState.BUILT, ReportState.FAILED, ReportState.CLAIMED}),
    ReportState.FAILED: frozenset({ReportState.CLAIMED}),
    ReportState.BUILT: frozenset({ReportState.SENT}),
    ReportState.SENT: frozenset(),
}


class Report(db.Model):
    """One report for one owner and period; its HTML and PDF are kept for the archive."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint(
            "owner_type", "owner_id", "period_start", "period_end", name="uq_reports_owner_period"
        ),
        CheckConstraint("period_end >= period_start", name="report_period_ordered"),
        Index("ix_reports_owner", "owner_type", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[OwnerType] = mapped_column(str_enum(OwnerType))
    owner_id: Mapped[int] = mapped_column()
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[ReportState] = mapped_column(
        str_enum(ReportState), default=ReportState.CLAIMED, index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(80), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    title: Mapped[str] = mapped_column(String(200), default="")
    html: Mapped[str | None] = deferred(mapped_column(Text))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    last_error: Mapped[str] = mapped_column(Text, default="")
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Not stored: whose report it is, set for the archive by `archive.name_owners`.
    owner_name = ""

    @property
    def period_label(self) -> str:
        return f"{self.period_start.isoformat()} – {self.period_end.isoformat()}"

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.owner_type}:{self.owner_id} {self.period_start}>"


class ReportPreference(db.Model):
    """What one person wants to receive; absent means the defaults (monthly, reminders on)."""

    __tablename__ = "report_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence), default=Cadence.MONTHLY)
    reminders: Mapped[bool] = mapped_column(default=True)
    # The PDF attached to the mail, or (default) a link: then the PDF is made on first download.
    pdf_attached: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReminderKind(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"


class ReminderLog(db.Model):
    """One reminder per (initiative, reporting period, kind): the unique key makes it once only."""

    __tablename__ = "report_reminders"
    __table_args__ = (
        UniqueConstraint(
            "initiative_id", "period_start", "kind", name="uq_report_reminders_period_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    kind: Mapped[ReminderKind] = mapped_column(str_enum(ReminderKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
