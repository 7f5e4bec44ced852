"""Metric catalog with versioned financial proxies, initiative outcomes and inputs, outcome reports.

A proxy change never edits a row: it adds a MetricProxy version valid from a date, and every valued
report line records the version it used, so past valuations can be recomputed exactly.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.impact.parsing import amsterdam_today
from marketplace.impact.units import unit_label
from marketplace.initiatives.models import Initiative, Theme
from marketplace.timeutil import UTCDateTime, utcnow

# Filters are fractions 0..1 with 4 decimals; proxies are euros per unit with 6 decimals
# (a kWh is worth EUR 0.0486); quantities allow 4 decimals (tonnes, hours).
FRACTION = Numeric(5, 4)
PROXY = Numeric(18, 6)
QUANTITY = Numeric(18, 4)


class ValueKind(StrEnum):
    FISCAL = "fiscal"
    WELLBEING = "wellbeing"
    ENVIRONMENTAL = "environmental"
    ECONOMIC = "economic"

    @property
    def label(self) -> str:
        return str(VALUE_KIND_LABELS[self])


VALUE_KIND_LABELS = {
    ValueKind.FISCAL: _l("Public money saved"),
    ValueKind.WELLBEING: _l("Wellbeing"),
    ValueKind.ENVIRONMENTAL: _l("Environment"),
    ValueKind.ECONOMIC: _l("Economic value"),
}


class Metric(db.Model):
    """An outcome metric: what is counted, in which unit, and its default SROI filters."""

    __tablename__ = "metrics"
    __table_args__ = (
        CheckConstraint("default_duration_years >= 1", name="metric_duration_positive"),
        *(
            CheckConstraint(f"{name} >= 0 AND {name} <= 1", name=f"metric_{name}_fraction")
            for name in (
                "default_deadweight",
                "default_displacement",
                "default_attribution",
                "default_drop_off",
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    theme: Mapped[Theme] = mapped_column(str_enum(Theme), index=True)
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    iris_id: Mapped[str] = mapped_column(String(20), default="")
    value_kind: Mapped[ValueKind] = mapped_column(str_enum(ValueKind))
    default_deadweight: Mapped[Decimal] = mapped_column(FRACTION, default=Decimal(0))
    default_displacement: Mapped[Decimal] = mapped_column(FRACTION, default=Decimal(0))
    default_attribution: Mapped[Decimal] = mapped_column(FRACTION, default=Decimal(0))
    default_drop_off: Mapped[Decimal] = mapped_column(FRACTION, default=Decimal(0))
    default_duration_years: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proxies: Mapped[list["MetricProxy"]] = relationship(
        back_populates="metric",
        order_by="(MetricProxy.valid_from, MetricProxy.id)",
        cascade="all, delete-orphan",
    )

    @property
    def name(self) -> str:
        locale = str(get_locale() or "nl")
        return self.name_en if locale.startswith("en") else self.name_nl

    @property
    def unit_label(self) -> str:
        """The unit in the reader's language ("rit" for "ride")."""
        return unit_label(self.unit)

    @property
    def current_proxy(self) -> "MetricProxy | None":
        """The version valid today (or the first one, when all start in the future)."""
        return proxy_valid_on(self.proxies, amsterdam_today())

    def __repr__(self) -> str:
        return f"<Metric {self.code}>"


# The SROI filters every outcome carries (frozen on each report line when it is accepted).
FILTER_FIELDS = ("deadweight", "displacement", "attribution", "drop_off")


def proxy_valid_on(versions: list["MetricProxy"], day: date) -> "MetricProxy | None":
    """The version with the latest valid_from on or before `day`; the earliest when none is.

    The first version of a proxy also covers the periods before it was entered.
    """
    ordered = sorted(versions, key=lambda p: (p.valid_from, p.id or 0))
    current = None
    for version in ordered:
        if version.valid_from <= day:
            current = version
    return current or (ordered[0] if ordered else None)


class MetricProxy(db.Model):
    """One version of a metric's financial proxy; `value` is None while no source was found."""

    __tablename__ = "metric_proxies"
    __table_args__ = (
        UniqueConstraint("metric_id", "valid_from", name="uq_metric_proxies_metric_valid_from"),
        CheckConstraint("value IS NULL OR value >= 0", name="proxy_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metrics.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal | None] = mapped_column(PROXY)
    price_year: Mapped[int | None] = mapped_column()
    basis: Mapped[str] = mapped_column(Text, default="")
    source_title: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    metric: Mapped[Metric] = relationship(back_populates="proxies")

    @property
    def has_value(self) -> bool:
        return self.value is not None


class InitiativeOutcome(db.Model):
    """A metric an initiative reports on, with its own filters and why they were chosen."""

    __tablename__ = "initiative_outcomes"
    __table_args__ = (
        UniqueConstraint("initiative_id", "metric_id", name="uq_initiative_outcomes_metric"),
        CheckConstraint("duration_years >= 1", name="outcome_duration_positive"),
        *(
            CheckConstraint(f"{name} >= 0 AND {name} <= 1", name=f"outcome_{name}_fraction")
            for name in ("deadweight", "displacement", "attribution", "drop_off")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    metric_id: Mapped[int] = mapped_column(ForeignKey("metrics.id", ondelete="RESTRICT"))
    deadweight: Mapped[Decimal] = mapped_column(FRACTION)
    displacement: Mapped[Decimal] = mapped_column(FRACTION)
    attribution: Mapped[Decimal] = mapped_column(FRACTION)
    drop_off: Mapped[Decimal] = mapped_column(FRACTION)
    duration_years: Mapped[int] = mapped_column()
    justification: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    initiative: Mapped[Initiative] = relationship()
    metric: Mapped[Metric] = relationship(lazy="joined")


class InputKind(StrEnum):
    MONEY = "money"
    IN_KIND = "in_kind"

    @property
    def label(self) -> str:
        return str(INPUT_KIND_LABELS[self])


INPUT_KIND_LABELS = {
    InputKind.MONEY: _l("Money"),
    InputKind.IN_KIND: _l("In kind (valued in euros)"),
}


class InitiativeInput(db.Model):
    """An input from outside the platform: a subsidy, own funds, volunteer time valued in euros."""

    __tablename__ = "initiative_inputs"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="input_amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    received_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[InputKind] = mapped_column(str_enum(InputKind), default=InputKind.MONEY)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ReportPeriod(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        return str(PERIOD_LABELS[self])


PERIOD_LABELS = {
    ReportPeriod.MONTH: _l("Month"),
    ReportPeriod.QUARTER: _l("Quarter"),
    ReportPeriod.YEAR: _l("Year"),
}


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ReportStatus.DRAFT: _l("Draft"),
    ReportStatus.SUBMITTED: _l("Awaiting review"),
    ReportStatus.ACCEPTED: _l("Accepted"),
    ReportStatus.REJECTED: _l("Rejected"),
}

# The legal status changes. Owners submit (and may withdraw before review); verifiers accept or
# reject; a rejected report is fixed by its owners and submitted again. Accepted is final.
REPORT_TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset(
        {ReportStatus.ACCEPTED, ReportStatus.REJECTED, ReportStatus.DRAFT}
    ),
    ReportStatus.REJECTED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.ACCEPTED: frozenset(),
}
EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.REJECTED})

# Nesta Standards of Evidence (Puttick & Ludlow, 2013), chosen by the verifier.
EVIDENCE_LEVELS = {
    1: _l("Level 1: the initiative can describe what it does and why it matters"),
    2: _l("Level 2: data show positive change, but cannot confirm the initiative caused it"),
    3: _l("Level 3: a comparison group shows the initiative causes the change"),
    4: _l("Level 4: one or more independent evaluations confirm the impact and explain it"),
    5: _l("Level 5: the impact is replicated elsewhere or at scale"),
}


class OutcomeReport(db.Model):
    """What an initiative achieved in one period, with evidence; counts only once accepted."""

    __tablename__ = "outcome_reports"
    __table_args__ = (
        UniqueConstraint(
            "initiative_id", "period_start", "period_end", name="uq_outcome_reports_period"
        ),
        CheckConstraint("period_end >= period_start", name="report_period_ordered"),
        CheckConstraint(
            "evidence_level IS NULL OR (evidence_level >= 1 AND evidence_level <= 5)",
            name="report_evidence_level_range",
        ),
        Index("ix_outcome_reports_status_submitted", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[ReportPeriod] = mapped_column(str_enum(ReportPeriod))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus), default=ReportStatus.DRAFT)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    evidence_filename: Mapped[str | None] = mapped_column(String(100))
    evidence_content_type: Mapped[str | None] = mapped_column(String(50))
    evidence_original_name: Mapped[str | None] = mapped_column(String(200))
    evidence_level: Mapped[int | None] = mapped_column()
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    values: Mapped[list["OutcomeReportValue"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="OutcomeReportValue.id"
    )
    events: Mapped[list["OutcomeReportEvent"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="OutcomeReportEvent.id"
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_url or self.evidence_filename)


class OutcomeReportValue(db.Model):
    """One reported quantity; on acceptance it is valued and the valuation inputs are frozen here.

    proxy_id is the proxy version used, and the filters are copied from the initiative's declared
    outcome at that moment, so a later change of either does not change this line's value.
    """

    __tablename__ = "outcome_report_values"
    __table_args__ = (
        UniqueConstraint("report_id", "metric_id", name="uq_outcome_report_values_metric"),
        CheckConstraint("quantity >= 0", name="report_quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_reports.id", ondelete="CASCADE"), index=True
    )
    metric_id: Mapped[int] = mapped_column(ForeignKey("metrics.id", ondelete="RESTRICT"))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    # Frozen on acceptance:
    proxy_id: Mapped[int | None] = mapped_column(
        ForeignKey("metric_proxies.id", ondelete="RESTRICT"), index=True
    )
    deadweight: Mapped[Decimal | None] = mapped_column(FRACTION)
    displacement: Mapped[Decimal | None] = mapped_column(FRACTION)
    attribution: Mapped[Decimal | None] = mapped_column(FRACTION)
    drop_off: Mapped[Decimal | None] = mapped_column(FRACTION)
    duration_years: Mapped[int | None] = mapped_column()
    valued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[OutcomeReport] = relationship(back_populates="values")
    metric: Mapped[Metric] = relationship(lazy="joined")
    proxy: Mapped[MetricProxy | None] = relationship()


class OutcomeReportEvent(db.Model):
    """Audit trail of a report: who did what, when, and which fields changed (old and new)."""

    __tablename__ = "outcome_report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_reports.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[OutcomeReport] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
