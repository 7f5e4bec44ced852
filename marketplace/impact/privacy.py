"""Outcome reports a person wrote and reviews they made, in their data export; erasure makes
them anonymous (the reports and their values stay: they are the initiative's)."""

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.impact.models import (
    InitiativeInput,
    MetricProxy,
    OutcomeReport,
    OutcomeReportEvent,
)
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when


def _report(report: OutcomeReport) -> dict:
    return {
        "initiative": report.initiative.name,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "status": report.status.value,
        "note": report.note,
        "created_at": when(report.created_at),
        "reviewed_at": when(report.reviewed_at),
    }


def export_reports(user: User) -> dict[str, Rows]:
    written = db.session.scalars(
        select(OutcomeReport)
        .where(OutcomeReport.created_by_id == user.id)
        .order_by(OutcomeReport.id)
    )
    reviewed = db.session.scalars(
        select(OutcomeReport)
        .where(OutcomeReport.reviewed_by_id == user.id)
        .order_by(OutcomeReport.id)
    )
    return {
        "outcome_reports_written": [_report(r) for r in written],
        "outcome_reports_reviewed": [
            {
                **_report(r),
                "evidence_level": r.evidence_level,
                "rejection_reason": r.rejection_reason,
            }
            for r in reviewed
        ],
    }


def anonymise_reports(erasure: Erasure) -> None:
    """Who wrote, reviewed or changed a report (or declared an input, or a proxy) is forgotten."""
    for column in (
        OutcomeReport.created_by_id,
        OutcomeReport.reviewed_by_id,
        OutcomeReportEvent.user_id,
        InitiativeInput.created_by_id,
        MetricProxy.created_by_id,
    ):
        db.session.execute(
            update(column.class_).where(column == erasure.user_id).values({column: None})
        )


DATA = DataDomain(name="impact", export=export_reports, erase=anonymise_reports)
