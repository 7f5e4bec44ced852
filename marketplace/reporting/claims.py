"""Exactly once per (owner, period): a runner claims the Report row before building it.

A claim is an INSERT (the unique key elects one runner; a concurrent INSERT fails with
IntegrityError), or the take-over of a stale or failed claim by a compare-and-set UPDATE on
`attempts`. Every later write of the runner is guarded by the same (id, attempts, status) check
(`still_ours`), so a runner that lost its claim writes nothing. The same code is safe on SQLite
for one process.
"""

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.reporting.models import Report, ReportState
from marketplace.reporting.owners import Owner
from marketplace.reporting.periods import Period

log = logging.getLogger(__name__)

RUNNER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
DEFAULT_CLAIM_LEASE_SECONDS = 900
MAX_BUILD_ATTEMPTS = 5


def _lease() -> timedelta:
    seconds = current_app.config.get("REPORT_CLAIM_LEASE_SECONDS", DEFAULT_CLAIM_LEASE_SECONDS)
    return timedelta(seconds=int(seconds))


def claim_report(owner: Owner, period: Period, now: datetime) -> tuple[int, int] | None:
    """Claim (owner, period) for this runner: (report id, claim version) or None if not ours."""
    report = Report(
        owner_type=owner.type,
        owner_id=owner.id,
        cadence=period.cadence,
        period_start=period.start,
        period_end=period.end,
        status=ReportState.CLAIMED,
        claimed_at=now,
        claimed_by=RUNNER_ID,
        attempts=1,
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
        db.session.commit()
        return report.id, 1
    except IntegrityError:
        pass  # exists: built, sent, claimed by someone, or left behind by a crash
    row = db.session.execute(
        select(Report.id, Report.status, Report.claimed_at, Report.attempts).where(
            Report.owner_type == owner.type,
            Report.owner_id == owner.id,
            Report.period_start == period.start,
            Report.period_end == period.end,
        )
    ).one()
    stale = row.status == ReportState.CLAIMED and row.claimed_at < now - _lease()
    retry = row.status == ReportState.FAILED and row.attempts < MAX_BUILD_ATTEMPTS
    if not (stale or retry):
        db.session.commit()
        return None
    result = db.session.execute(
        update(Report)
        .where(Report.id == row.id, Report.attempts == row.attempts, Report.status == row.status)
        .values(
            status=ReportState.CLAIMED,
            claimed_at=now,
            claimed_by=RUNNER_ID,
            attempts=row.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return (row.id, row.attempts + 1) if result.rowcount == 1 else None


def still_ours(report_id: int, version: int):
    """The WHERE clause of every write under a claim: same report, same attempt, still claimed."""
    return (
        (Report.id == report_id)
        & (Report.attempts == version)
        & (Report.status == ReportState.CLAIMED)
    )


def release_claim(report_id: int, version: int) -> None:
    """Nothing to report (no holdings yet): drop the claim so a later run can try again."""
    db.session.execute(Report.__table__.delete().where(still_ours(report_id, version)))
    db.session.commit()


def mark_failed(report_id: int, version: int, error: Exception) -> None:
    """Building raised: the report is FAILED (a later run retries it up to MAX_BUILD_ATTEMPTS)."""
    db.session.rollback()
    log.error("report %s failed", report_id, exc_info=error)
    db.session.execute(
        update(Report)
        .where(still_ours(report_id, version))
        .values(status=ReportState.FAILED, last_error=f"{type(error).__name__}: {error}")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
