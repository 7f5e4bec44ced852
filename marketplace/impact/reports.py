"""Outcome reports: periods, creating, changing, submitting and withdrawing them (owners)."""

import calendar
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.errors import InvalidInput, InvalidTransition
from marketplace.extensions import db
from marketplace.impact.access import require_owner, rollback_on_error
from marketplace.impact.declarations import declared_outcomes
from marketplace.impact.evidence import safe_original_name, store_evidence
from marketplace.impact.models import (
    REPORT_TRANSITIONS,
    OutcomeReport,
    OutcomeReportEvent,
    OutcomeReportValue,
    ReportPeriod,
    ReportStatus,
)
from marketplace.impact.parsing import ParseError, amsterdam_today, parse_date, parse_quantity
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import utcnow

NOTE_LIMIT = 5000


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_end_for(period: ReportPeriod, start: date) -> date:
    months = {ReportPeriod.MONTH: 1, ReportPeriod.QUARTER: 3, ReportPeriod.YEAR: 12}[period]
    index = start.year * 12 + start.month - 1 + months - 1
    return last_day_of_month(index // 12, index % 12 + 1)


def period_of(start: date, end: date) -> ReportPeriod | None:
    """The calendar period [start, end] is exactly: a month, a quarter or a year; else None."""
    if start.day != 1:
        return None
    if end == period_end_for(ReportPeriod.MONTH, start):
        return ReportPeriod.MONTH
    if start.month in (1, 4, 7, 10) and end == period_end_for(ReportPeriod.QUARTER, start):
        return ReportPeriod.QUARTER
    if start.month == 1 and end == period_end_for(ReportPeriod.YEAR, start):
        return ReportPeriod.YEAR
    return None


def record_event(report: OutcomeReport, user, action: str, changes: dict | None = None) -> None:
    report.events.append(
        OutcomeReportEvent(user_id=getattr(user, "id", None), action=action, changes=changes or {})
    )


class _Problems:
    """Every problem with a report's fields at once: per field, and per position in `values`."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.items: dict[int, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def fail_item(self, index: int, message: str) -> None:
        self.items.setdefault(index, []).append(message)
        self.fail("values", _("Item %(n)d: %(error)s", n=index + 1, error=message))


def _clean_period(initiative, data: dict, report: OutcomeReport | None, problems) -> dict:
    dates = {}
    for field in ("period_start", "period_end"):
        try:
            dates[field] = parse_date(data.get(field, getattr(report, field, None)))
        except ParseError as error:
            problems.fail(field, str(error))
    if len(dates) < 2:
        return {}
    start, end = dates["period_start"], dates["period_end"]
    period = period_of(start, end)
    if period is None:
        problems.fail("period_end", _("The period must be one calendar month, quarter or year."))
    elif data.get("period") and data["period"] != period.value:
        problems.fail("period", _("The dates do not match this kind of period."))
    elif start > amsterdam_today():
        problems.fail("period_start", _("This period has not started yet."))
    elif db.session.scalar(
        select(OutcomeReport.id).where(
            OutcomeReport.initiative_id == initiative.id,
            OutcomeReport.period_start <= end,
            OutcomeReport.period_end >= start,
            OutcomeReport.id != (report.id if report else -1),
        )
    ):
        problems.fail("period_start", _("There is already a report overlapping this period."))
    else:
        return {"period": period, "period_start": start, "period_end": end}
    return {}


def _clean_values(initiative: Initiative, values, problems: _Problems) -> dict:
    """{Metric: quantity} from [{"metric", "quantity"}] of metrics the initiative declared."""
    declared = {o.metric.code: o.metric for o in declared_outcomes(initiative)}
    lines: dict[str, Decimal] = {}
    if not isinstance(values, list) or not values:
        problems.fail("values", _("Report at least one quantity."))
        return {}
    for index, item in enumerate(values):
        code = str(item.get("metric") or "").strip() if isinstance(item, dict) else ""
        if not isinstance(item, dict):
            problems.fail_item(index, _("expected metric and quantity."))
        elif code not in declared:
            problems.fail_item(
                index, _("%(metric)s is not a metric this initiative reports.", metric=code or "?")
            )
        elif code in lines:
            problems.fail_item(index, _("%(metric)s appears twice.", metric=code))
        else:
            try:
                lines[code] = parse_quantity(item.get("quantity"))
            except ParseError as error:
                problems.fail_item(index, _("quantity: %(error)s", error=str(error)))
    return {declared[code]: quantity for code, quantity in lines.items()}


def clean_report(initiative: Initiative, data: dict, report: OutcomeReport | None) -> dict:
    """Validate report fields; every problem at once. Values are [{"metric", "quantity"}]."""
    problems = _Problems()
    clean: dict = {}
    partial = report is not None
    if not partial or "period_start" in data or "period_end" in data:
        clean.update(_clean_period(initiative, data, report, problems))
    if not partial or "values" in data:
        clean["values"] = _clean_values(initiative, data.get("values"), problems)
    if "evidence_url" in data:
        url = str(data.get("evidence_url") or "").strip()
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
                problems.fail("evidence_url", _("Enter a web address starting with https://."))
        clean["evidence_url"] = url
    if "note" in data:
        note = str(data.get("note") or "").strip()
        if len(note) > NOTE_LIMIT:
            problems.fail("note", _("At most %(n)d characters.", n=NOTE_LIMIT))
        clean["note"] = note
    if problems.errors:
        error = InvalidInput(_("Please correct the marked fields."), problems.errors)
        error.item_errors = problems.items  # per position in `values`, for CSV row messages
        raise error
    return clean


def apply_report_fields(report: OutcomeReport, clean: dict) -> dict:
    """Set fields and values on a report; returns the changes as {field: [old, new]}."""
    changes: dict = {}
    for field in ("period", "period_start", "period_end", "evidence_url", "note"):
        if field in clean and getattr(report, field) != clean[field]:
            old = getattr(report, field)
            changes[field] = [_jsonable(old), _jsonable(clean[field])]
            setattr(report, field, clean[field])
    if "values" in clean:
        current = {line.metric.code: line for line in report.values}
        wanted = {metric.code: (metric, quantity) for metric, quantity in clean["values"].items()}
        value_changes = {}
        for code, line in current.items():
            if code not in wanted:
                value_changes[code] = [str(line.quantity), None]
                report.values.remove(line)
        for code, (metric, quantity) in wanted.items():
            line = current.get(code)
            if line is None:
                report.values.append(OutcomeReportValue(metric=metric, quantity=quantity))
                value_changes[code] = [None, str(quantity)]
            elif line.quantity != quantity:
                value_changes[code] = [str(line.quantity), str(quantity)]
                line.quantity = quantity
        if value_changes:
            changes["values"] = value_changes
    return changes


def _jsonable(value):
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, ReportPeriod | ReportStatus):
        return value.value
    return str(value)


def _attach_evidence(report: OutcomeReport, evidence, evidence_name: str | None) -> dict:
    stored = store_evidence(evidence)
    changes = {"evidence_file": [report.evidence_original_name, safe_original_name(evidence_name)]}
    report.evidence_filename = stored.filename
    report.evidence_content_type = stored.content_type
    report.evidence_original_name = safe_original_name(evidence_name) or stored.filename
    return changes


def create_outcome_report(
    initiative: Initiative,
    user,
    data: dict,
    evidence=None,
    evidence_name: str | None = None,
) -> OutcomeReport:
    """A new report (draft, or submitted when data["submit"] is true); owners only."""
    require_owner(initiative, user)
    with rollback_on_error():
        clean = clean_report(initiative, data, None)
        report = OutcomeReport(
            initiative_id=initiative.id,
            initiative=initiative,
            status=ReportStatus.DRAFT,
            created_by_id=user.id,
        )
        changes = apply_report_fields(report, clean)
        if evidence is not None:
            changes.update(_attach_evidence(report, evidence, evidence_name))
        db.session.add(report)
        record_event(report, user, "created", changes)
        if truthy(data.get("submit")):
            submit(report, user)
        db.session.commit()
    return report


def update_outcome_report(
    report: OutcomeReport,
    user,
    data: dict,
    evidence=None,
    evidence_name: str | None = None,
) -> OutcomeReport:
    """Change a draft or rejected report (owners only); optionally submit it again."""
    require_owner(report.initiative, user)
    if not report.is_editable:
        raise InvalidTransition(_("Only a draft or rejected report can be changed."))
    with rollback_on_error():
        clean = clean_report(report.initiative, data, report)
        changes = apply_report_fields(report, clean)
        if evidence is not None:
            changes.update(_attach_evidence(report, evidence, evidence_name))
        if changes:
            record_event(report, user, "updated", changes)
        if truthy(data.get("submit")):
            submit(report, user)
        db.session.commit()
    return report


def submit_outcome_report(report: OutcomeReport, user) -> OutcomeReport:
    """Send a draft (or fixed rejected) report to the verifiers."""
    require_owner(report.initiative, user)
    with rollback_on_error():
        submit(report, user)
        db.session.commit()
    return report


def withdraw_outcome_report(report: OutcomeReport, user) -> OutcomeReport:
    """Take a submitted report back to draft before it is reviewed."""
    require_owner(report.initiative, user)
    transition(report, ReportStatus.DRAFT)
    record_event(report, user, "withdrawn", {"status": ["submitted", "draft"]})
    db.session.commit()
    return report


def submit(report: OutcomeReport, user) -> None:
    errors: dict[str, list[str]] = {}
    if not report.values:
        errors["values"] = [_("Report at least one quantity.")]
    if not report.has_evidence:
        errors["evidence"] = [_("Add evidence: upload a file or give a link.")]
    if errors:
        raise InvalidInput(_("The report cannot be submitted yet."), errors)
    old = report.status
    transition(report, ReportStatus.SUBMITTED)
    report.submitted_at = utcnow()
    record_event(report, user, "submitted", {"status": [old.value, ReportStatus.SUBMITTED.value]})


def transition(report: OutcomeReport, new: ReportStatus) -> None:
    if new not in REPORT_TRANSITIONS[report.status]:
        raise InvalidTransition(
            _(
                "A report that is %(status)s cannot become %(new)s.",
                status=report.status.label,
                new=new.label,
            )  # fmt: skip
        )
    report.status = new


def truthy(value) -> bool:
    return value in (True, 1, "1", "true", "True", "on", "y", "yes")


def reports_for_initiative(initiative: Initiative, user) -> list[OutcomeReport]:
    """All reports for owners and verifiers; only accepted ones for everyone else."""
    query = select(OutcomeReport).where(OutcomeReport.initiative_id == initiative.id)
    privileged = bool(user and user.is_authenticated) and (
        user.is_verifier or initiative.is_owned_by(user)
    )
    if not privileged:
        query = query.where(OutcomeReport.status == ReportStatus.ACCEPTED)
    return list(db.session.scalars(query.order_by(OutcomeReport.period_start.desc())))
