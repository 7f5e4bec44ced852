"""Reviewing outcome reports (verifiers): accept with an evidence level, valuing each line with the
frozen filters and proxy version, or reject with a reason. Sends `outcome_report_reviewed`; a new
proxy for a metric without one revalues its accepted lines and sends `proxy_changed`."""

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import signals
from marketplace.db import get_for_update
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.impact.access import rollback_on_error
from marketplace.impact.models import (
    EVIDENCE_LEVELS,
    FILTER_FIELDS,
    InitiativeOutcome,
    Metric,
    MetricProxy,
    OutcomeReport,
    OutcomeReportValue,
    ReportStatus,
    proxy_valid_on,
)
from marketplace.impact.reports import record_event, transition
from marketplace.timeutil import utcnow

REASON_LIMIT = 2000


def review_outcome_report(
    report_id: int, user, decision: str, reason: str = "", evidence_level=None
) -> OutcomeReport:
    """Accept (valuing it) or reject (with a reason) a submitted report; verifiers only.

    Nobody reviews a report of an initiative they own. The row is locked so two verifiers cannot
    both decide.
    """
    if not (user and user.is_authenticated and user.is_verifier):
        raise NotAllowed(_("Only verifiers may review outcome reports."))
    report = get_for_update(OutcomeReport, report_id)
    if report is None:
        raise NotFound(_("Report not found."))
    if report.initiative.is_owned_by(user):
        raise NotAllowed(_("You cannot review a report of your own initiative."))
    errors: dict[str, list[str]] = {}
    reason = str(reason or "").strip()
    level = None
    if decision not in ("accepted", "rejected"):
        errors["decision"] = [_("Choose accepted or rejected.")]
    if evidence_level not in (None, ""):
        try:
            level = int(str(evidence_level))
        except ValueError:
            level = None
        if level not in EVIDENCE_LEVELS:
            errors["evidence_level"] = [_("Choose a level from 1 to 5.")]
    elif decision == "accepted":
        errors["evidence_level"] = [_("Choose the evidence level (1 to 5).")]
    if decision == "rejected" and not reason:
        errors["reason"] = [_("Say why the report is rejected.")]
    if len(reason) > REASON_LIMIT:
        errors["reason"] = [_("At most %(n)d characters.", n=REASON_LIMIT)]
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)

    with rollback_on_error():
        _decide(report, user, ReportStatus(decision), reason, level)
    signals.notify(
        signals.outcome_report_reviewed,
        report_id=report.id,
        initiative_id=report.initiative_id,
        status=report.status.value,
    )
    return report


def _decide(report: OutcomeReport, user, new: ReportStatus, reason: str, level) -> None:
    transition(report, new)
    report.reviewed_by_id = user.id
    report.reviewed_at = utcnow()
    report.evidence_level = level
    changes: dict = {"status": [ReportStatus.SUBMITTED.value, new.value], "evidence_level": level}
    if new == ReportStatus.REJECTED:
        report.rejection_reason = reason
        changes["reason"] = reason
    else:
        report.rejection_reason = ""
        if reason:
            changes["reason"] = reason
        changes["valuation"] = _value_report(report)
    record_event(report, user, new.value, changes)
    db.session.commit()


def _value_report(report: OutcomeReport) -> dict:
    """Freeze each line's filters (from the declared outcome) and proxy version (at period_end)."""
    declared = {
        o.metric_id: o
        for o in db.session.scalars(
            select(InitiativeOutcome).where(InitiativeOutcome.initiative_id == report.initiative_id)
        )
    }
    frozen = {}
    now = utcnow()
    for line in report.values:
        source = declared.get(line.metric_id)
        for name in FILTER_FIELDS:
            value = getattr(source, name) if source else getattr(line.metric, f"default_{name}")
            setattr(line, name, value)
        line.duration_years = (
            source.duration_years if source else line.metric.default_duration_years
        )
        line.proxy = proxy_valid_on(line.metric.proxies, report.period_end)
        line.valued_at = now
        frozen[line.metric.code] = {
            "proxy_id": line.proxy.id if line.proxy else None,
            "proxy": None
            if line.proxy is None or line.proxy.value is None
            else str(line.proxy.value),
            **{name: str(getattr(line, name)) for name in FILTER_FIELDS},
            "duration_years": line.duration_years,
        }
    return frozen


def revalue_unvalued_lines(metric: Metric, user=None) -> int:
    """Once a metric without a proxy gets one, value its accepted lines that counted as zero.

    Lines valued with a real proxy are never touched (reproducibility); this only replaces "no
    proxy" by the version valid at the report's period end, and records that in the audit trail.
    """
    valued_versions = [p for p in metric.proxies if p.value is not None]
    if not valued_versions:
        return 0
    lines = db.session.scalars(
        select(OutcomeReportValue)
        .join(OutcomeReport)
        .outerjoin(MetricProxy, OutcomeReportValue.proxy_id == MetricProxy.id)
        .where(
            OutcomeReportValue.metric_id == metric.id,
            OutcomeReport.status == ReportStatus.ACCEPTED,
            MetricProxy.value.is_(None),
        )
    ).all()
    touched: set[int] = set()
    for line in lines:
        old = line.proxy_id
        line.proxy = proxy_valid_on(valued_versions, line.report.period_end)
        record_event(
            line.report,
            user,
            "revalued",
            {"metric": metric.code, "proxy_id": [old, line.proxy.id]},
        )
        touched.add(line.report.initiative_id)
    db.session.commit()
    signals.notify(
        signals.proxy_changed, metric_code=metric.code, initiative_ids=frozenset(touched)
    )
    return len(lines)


def review_queue() -> list[OutcomeReport]:
    """Submitted reports, oldest first."""
    return list(
        db.session.scalars(
            select(OutcomeReport)
            .where(OutcomeReport.status == ReportStatus.SUBMITTED)
            .order_by(OutcomeReport.submitted_at, OutcomeReport.id)
        )
    )
