"""Impact logic: declared outcomes and inputs, outcome reports and their review, social return.

Services own their transaction and raise domain errors. The arithmetic is `marketplace.impact.sroi`
(pure); this module only gathers the numbers from the database and freezes what was used.
"""

import calendar
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.db import get_for_update
from marketplace.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.impact import sroi
from marketplace.impact.evidence import safe_original_name, store_evidence
from marketplace.impact.models import (
    EVIDENCE_LEVELS,
    REPORT_TRANSITIONS,
    InitiativeInput,
    InitiativeOutcome,
    InputKind,
    Metric,
    MetricProxy,
    OutcomeReport,
    OutcomeReportEvent,
    OutcomeReportValue,
    ReportPeriod,
    ReportStatus,
    ValueKind,
    proxy_valid_on,
)
from marketplace.impact.parsing import (
    ParseError,
    amsterdam_today,
    parse_date,
    parse_duration,
    parse_fraction,
    parse_quantity,
)
from marketplace.initiatives.models import Initiative
from marketplace.money import InvalidAmount, cents_to_decimal, parse_cents
from marketplace.timeutil import month_range, month_start, to_amsterdam, utcnow

FILTERS = ("deadweight", "displacement", "attribution", "drop_off")
NOTE_LIMIT = 5000
REASON_LIMIT = 2000


# --- the single place other domains hook into -----------------------------------------------------


def initiative_figures_changed(initiative_id: int) -> None:
    """Called after anything that changes an initiative's social return has been committed.

    That is: a report accepted, inputs declared or removed, unvalued lines valued by a new proxy.
    This is the one place to refresh precomputed aggregates (portfolio time series, exchange
    indices); add a call here rather than hooking into the individual services. It must not raise
    for an unknown initiative and must be cheap or defer its work.
    """
    from marketplace.exchange.figures import figures_changed

    figures_changed(initiative_id)


@contextmanager
def rollback_on_error():
    """Nothing half-done stays in the session when a service refuses (or fails) midway."""
    try:
        yield
    except Exception:
        db.session.rollback()
        raise


# --- authorization --------------------------------------------------------------------------------


def require_owner(initiative: Initiative, user) -> None:
    """Only the initiative's owners report for it (admins are not owners)."""
    if not initiative.is_owned_by(user):
        if initiative.is_visible_to(user):
            raise NotAllowed(_("Only the owners of this initiative may report its outcomes."))
        raise NotFound(_("Initiative not found."))


def require_editor(initiative: Initiative, user) -> None:
    """Owners and admins manage the declared outcomes and inputs."""
    if not initiative.can_edit(user):
        if initiative.is_visible_to(user):
            raise NotAllowed(_("Only the owners of this initiative may change it."))
        raise NotFound(_("Initiative not found."))


def can_see_report(report: OutcomeReport, user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return user.is_verifier or report.initiative.is_owned_by(user)


def can_review(report: OutcomeReport, user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_verifier
        and not report.initiative.is_owned_by(user)
    )


def get_report(report_id: int, user) -> OutcomeReport:
    """A report its owners or a verifier may see; NotFound for anyone else."""
    report = db.session.get(OutcomeReport, report_id)
    if report is None or not can_see_report(report, user):
        raise NotFound(_("Report not found."))
    return report


# --- declared outcomes ----------------------------------------------------------------------------


def declared_outcomes(initiative: Initiative) -> list[InitiativeOutcome]:
    return list(
        db.session.scalars(
            select(InitiativeOutcome)
            .join(Metric)
            .where(InitiativeOutcome.initiative_id == initiative.id)
            .order_by(Metric.code)
        ).unique()
    )


def declare_outcome(initiative: Initiative, user, data: dict) -> tuple[InitiativeOutcome, bool]:
    """Add (or change) a metric the initiative reports, with its own filters; (outcome, created).

    Filters not given come from the metric's defaults (for a new declaration) or stay as they are.
    """
    require_editor(initiative, user)
    errors: dict[str, list[str]] = {}
    code = str(data.get("metric") or "").strip()
    metric = db.session.scalar(select(Metric).where(Metric.code == code)) if code else None
    if metric is None or not metric.active:
        raise InvalidInput(
            _("Please correct the marked fields."), {"metric": [_("Unknown metric.")]}
        )
    outcome = db.session.scalar(
        select(InitiativeOutcome).where(
            InitiativeOutcome.initiative_id == initiative.id,
            InitiativeOutcome.metric_id == metric.id,
        )
    )
    created = outcome is None
    values: dict = {}
    for name in FILTERS:
        if data.get(name) not in (None, ""):
            try:
                values[name] = parse_fraction(data[name])
            except ParseError as error:
                errors[name] = [str(error)]
        elif created:
            values[name] = getattr(metric, f"default_{name}")
    if data.get("duration_years") not in (None, ""):
        try:
            values["duration_years"] = parse_duration(data["duration_years"])
        except ParseError as error:
            errors["duration_years"] = [str(error)]
    elif created:
        values["duration_years"] = metric.default_duration_years
    if "justification" in data:
        justification = " ".join(str(data["justification"] or "").split())
        if len(justification) > 300:
            errors["justification"] = [_("At most %(n)d characters.", n=300)]
        values["justification"] = justification
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    if created:
        outcome = InitiativeOutcome(initiative_id=initiative.id, metric=metric, **values)
        db.session.add(outcome)
    else:
        for field, value in values.items():
            setattr(outcome, field, value)
    db.session.commit()
    return outcome, created


def remove_outcome(initiative: Initiative, user, metric_code: str) -> None:
    """Stop reporting a metric; accepted reports keep their frozen valuation."""
    require_editor(initiative, user)
    outcome = db.session.scalar(
        select(InitiativeOutcome)
        .join(Metric)
        .where(InitiativeOutcome.initiative_id == initiative.id, Metric.code == metric_code)
    )
    if outcome is None:
        raise NotFound(_("This initiative does not report that metric."))
    db.session.delete(outcome)
    db.session.commit()


# --- declared inputs ------------------------------------------------------------------------------


def declared_inputs(initiative: Initiative) -> list[InitiativeInput]:
    return list(
        db.session.scalars(
            select(InitiativeInput)
            .where(InitiativeInput.initiative_id == initiative.id)
            .order_by(InitiativeInput.received_on, InitiativeInput.id)
        )
    )


def add_input(initiative: Initiative, user, data: dict) -> InitiativeInput:
    """Declare an input from outside the platform (subsidy, own funds, volunteer time in euros)."""
    require_editor(initiative, user)
    errors: dict[str, list[str]] = {}
    source = " ".join(str(data.get("source") or "").split())
    if not source:
        errors["source"] = [_("This field is required.")]
    elif len(source) > 200:
        errors["source"] = [_("At most %(n)d characters.", n=200)]
    amount_cents = 0
    try:
        amount_cents = parse_cents(data.get("amount"))
        if amount_cents <= 0:
            errors["amount"] = [_("Enter an amount above zero.")]
    except InvalidAmount:
        errors["amount"] = [_("Enter an amount in euros, such as 5000.00.")]
    received_on = None
    try:
        received_on = parse_date(data.get("received_on"))
        if received_on > amsterdam_today():
            errors["received_on"] = [_("This date is in the future.")]
    except ParseError as error:
        errors["received_on"] = [str(error)]
    kind = InputKind.MONEY
    if data.get("kind"):
        try:
            kind = InputKind(data["kind"])
        except ValueError:
            errors["kind"] = [_("Choose money or in_kind.")]
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("At most %(n)d characters.", n=500)]
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    item = InitiativeInput(
        initiative_id=initiative.id,
        source=source,
        amount_cents=amount_cents,
        received_on=received_on,
        kind=kind,
        note=note,
        created_by_id=user.id,
    )
    db.session.add(item)
    db.session.commit()
    initiative_figures_changed(initiative.id)
    return item


def remove_input(initiative: Initiative, user, input_id: int) -> None:
    require_editor(initiative, user)
    item = db.session.get(InitiativeInput, input_id)
    if item is None or item.initiative_id != initiative.id:
        raise NotFound(_("Input not found."))
    db.session.delete(item)
    db.session.commit()
    initiative_figures_changed(initiative.id)


# --- reporting periods ----------------------------------------------------------------------------


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


# --- outcome reports ------------------------------------------------------------------------------


def _record(report: OutcomeReport, user, action: str, changes: dict | None = None) -> None:
    report.events.append(
        OutcomeReportEvent(user_id=getattr(user, "id", None), action=action, changes=changes or {})
    )


def _clean_report(initiative: Initiative, data: dict, report: OutcomeReport | None) -> dict:
    """Validate report fields; every problem at once. Values are [{"metric", "quantity"}]."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    partial = report is not None
    item_errors: dict[int, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    start = report.period_start if report else None
    end = report.period_end if report else None
    if not partial or "period_start" in data or "period_end" in data:
        try:
            start = parse_date(data.get("period_start", start))
        except ParseError as error:
            fail("period_start", str(error))
        try:
            end = parse_date(data.get("period_end", end))
        except ParseError as error:
            fail("period_end", str(error))
        if start and end and "period_start" not in errors and "period_end" not in errors:
            period = period_of(start, end)
            if period is None:
                fail(
                    "period_end",
                    _("The period must be one calendar month, quarter or year."),
                )
            elif data.get("period") and data["period"] != period.value:
                fail("period", _("The dates do not match this kind of period."))
            elif start > amsterdam_today():
                fail("period_start", _("This period has not started yet."))
            else:
                overlapping = db.session.scalar(
                    select(OutcomeReport.id).where(
                        OutcomeReport.initiative_id == initiative.id,
                        OutcomeReport.period_start <= end,
                        OutcomeReport.period_end >= start,
                        OutcomeReport.id != (report.id if report else -1),
                    )
                )
                if overlapping:
                    fail(
                        "period_start",
                        _("There is already a report overlapping this period."),
                    )
                clean.update(period=period, period_start=start, period_end=end)

    if not partial or "values" in data:
        declared = {o.metric.code: o.metric for o in declared_outcomes(initiative)}
        values = data.get("values")
        lines: dict[str, Decimal] = {}
        if not isinstance(values, list) or not values:
            fail("values", _("Report at least one quantity."))
        else:
            for index, item in enumerate(values):
                problem = None
                code = str(item.get("metric") or "").strip() if isinstance(item, dict) else ""
                if not isinstance(item, dict):
                    problem = _("expected metric and quantity.")
                elif code not in declared:
                    problem = _("%(metric)s is not a metric this initiative reports.",
                                metric=code or "?")  # fmt: skip
                elif code in lines:
                    problem = _("%(metric)s appears twice.", metric=code)
                else:
                    try:
                        lines[code] = parse_quantity(item.get("quantity"))
                    except ParseError as error:
                        problem = _("quantity: %(error)s", error=str(error))
                if problem:
                    item_errors.setdefault(index, []).append(problem)
                    fail("values", _("Item %(n)d: %(error)s", n=index + 1, error=problem))
        clean["values"] = {declared[code]: quantity for code, quantity in lines.items()}

    if "evidence_url" in data:
        url = str(data.get("evidence_url") or "").strip()
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
                fail("evidence_url", _("Enter a web address starting with https://."))
        clean["evidence_url"] = url
    if "note" in data:
        note = str(data.get("note") or "").strip()
        if len(note) > NOTE_LIMIT:
            fail("note", _("At most %(n)d characters.", n=NOTE_LIMIT))
        clean["note"] = note
    if errors:
        error = InvalidInput(_("Please correct the marked fields."), errors)
        error.item_errors = item_errors  # per position in `values`, for CSV row messages
        raise error
    return clean


def _apply_report_fields(report: OutcomeReport, clean: dict) -> dict:
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
        clean = _clean_report(initiative, data, None)
        report = OutcomeReport(
            initiative_id=initiative.id,
            initiative=initiative,
            status=ReportStatus.DRAFT,
            created_by_id=user.id,
        )
        changes = _apply_report_fields(report, clean)
        if evidence is not None:
            changes.update(_attach_evidence(report, evidence, evidence_name))
        db.session.add(report)
        _record(report, user, "created", changes)
        if _truthy(data.get("submit")):
            _submit(report, user)
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
        clean = _clean_report(report.initiative, data, report)
        changes = _apply_report_fields(report, clean)
        if evidence is not None:
            changes.update(_attach_evidence(report, evidence, evidence_name))
        if changes:
            _record(report, user, "updated", changes)
        if _truthy(data.get("submit")):
            _submit(report, user)
        db.session.commit()
    return report


def submit_outcome_report(report: OutcomeReport, user) -> OutcomeReport:
    """Send a draft (or fixed rejected) report to the verifiers."""
    require_owner(report.initiative, user)
    with rollback_on_error():
        _submit(report, user)
        db.session.commit()
    return report


def withdraw_outcome_report(report: OutcomeReport, user) -> OutcomeReport:
    """Take a submitted report back to draft before it is reviewed."""
    require_owner(report.initiative, user)
    _transition(report, ReportStatus.DRAFT)
    _record(report, user, "withdrawn", {"status": ["submitted", "draft"]})
    db.session.commit()
    return report


def _submit(report: OutcomeReport, user) -> None:
    errors: dict[str, list[str]] = {}
    if not report.values:
        errors["values"] = [_("Report at least one quantity.")]
    if not report.has_evidence:
        errors["evidence"] = [_("Add evidence: upload a file or give a link.")]
    if errors:
        raise InvalidInput(_("The report cannot be submitted yet."), errors)
    old = report.status
    _transition(report, ReportStatus.SUBMITTED)
    report.submitted_at = utcnow()
    _record(report, user, "submitted", {"status": [old.value, ReportStatus.SUBMITTED.value]})


def _transition(report: OutcomeReport, new: ReportStatus) -> None:
    if new not in REPORT_TRANSITIONS[report.status]:
        raise InvalidTransition(
            _(
                "A report that is %(status)s cannot become %(new)s.",
                status=report.status.label,
                new=new.label,
            )  # fmt: skip
        )
    report.status = new


def _truthy(value) -> bool:
    return value in (True, 1, "1", "true", "True", "on", "y", "yes")


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
    if report.status == ReportStatus.ACCEPTED:
        initiative_figures_changed(report.initiative_id)
    return report


def _decide(report: OutcomeReport, user, new: ReportStatus, reason: str, level) -> None:
    _transition(report, new)
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
    _record(report, user, new.value, changes)
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
        for name in FILTERS:
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
            **{name: str(getattr(line, name)) for name in FILTERS},
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
        _record(
            line.report,
            user,
            "revalued",
            {"metric": metric.code, "proxy_id": [old, line.proxy.id]},
        )
        touched.add(line.report.initiative_id)
    db.session.commit()
    for initiative_id in sorted(touched):
        initiative_figures_changed(initiative_id)
    return len(lines)


def reports_for_initiative(initiative: Initiative, user) -> list[OutcomeReport]:
    """All reports for owners and verifiers; only accepted ones for everyone else."""
    query = select(OutcomeReport).where(OutcomeReport.initiative_id == initiative.id)
    privileged = bool(user and user.is_authenticated) and (
        user.is_verifier or initiative.is_owned_by(user)
    )
    if not privileged:
        query = query.where(OutcomeReport.status == ReportStatus.ACCEPTED)
    return list(db.session.scalars(query.order_by(OutcomeReport.period_start.desc())))


def review_queue() -> list[OutcomeReport]:
    """Submitted reports, oldest first."""
    return list(
        db.session.scalars(
            select(OutcomeReport)
            .where(OutcomeReport.status == ReportStatus.SUBMITTED)
            .order_by(OutcomeReport.submitted_at, OutcomeReport.id)
        )
    )


# --- social return --------------------------------------------------------------------------------


def discount_rate() -> Decimal:
    return Decimal(str(current_app.config.get("SROI_DISCOUNT_RATE", "0.0225")))


@dataclass(frozen=True)
class ValuedLine:
    line_id: int
    report_id: int
    metric: Metric
    proxy: MetricProxy | None
    month: date  # month of the report's period end: when the value is recognised
    outcome: sroi.Outcome

    @property
    def valued(self) -> bool:
        return self.proxy is not None and self.proxy.value is not None


def valued_lines(initiative_id: int) -> list[ValuedLine]:
    """Accepted report lines as engine outcomes, with the frozen filters and proxy version.

    A line whose metric has no proxy counts as zero (and says so through `valued`).
    """
    rows = db.session.execute(
        select(OutcomeReportValue, OutcomeReport.period_end)
        .join(OutcomeReport)
        .where(
            OutcomeReport.initiative_id == initiative_id,
            OutcomeReport.status == ReportStatus.ACCEPTED,
        )
        .order_by(OutcomeReport.period_end, OutcomeReportValue.id)
    ).all()
    result = []
    for line, period_end in rows:
        proxy = line.proxy
        price = proxy.value if proxy is not None and proxy.value is not None else Decimal(0)
        outcome = sroi.Outcome(
            key=line.metric.code,
            value_kind=line.metric.value_kind.value,
            quantity=Decimal(line.quantity),
            proxy=Decimal(price),
            deadweight=Decimal(line.deadweight or 0),
            displacement=Decimal(line.displacement or 0),
            attribution=Decimal(line.attribution or 0),
            drop_off=Decimal(line.drop_off or 0),
            duration_years=line.duration_years or 1,
        )
        result.append(
            ValuedLine(
                line.id, line.report_id, line.metric, proxy, month_start(period_end), outcome
            )
        )
    return result


def input_cents_by_month(initiative_id: int) -> tuple[dict[date, int], int, int]:
    """Inputs per month: platform contributions (net paid) plus declared inputs.

    Returns (cents per month, platform total, declared total).
    """
    from marketplace.donations.queries import paid_cents_by_month

    months: dict[date, int] = defaultdict(int)
    platform = 0
    for month, cents in paid_cents_by_month(initiative_id).items():
        months[month] += cents
        platform += cents
    declared = 0
    for received_on, cents in db.session.execute(
        select(InitiativeInput.received_on, InitiativeInput.amount_cents).where(
            InitiativeInput.initiative_id == initiative_id
        )
    ):
        months[month_start(received_on)] += cents
        declared += cents
    return dict(months), platform, declared


def social_value_by_month(initiative_id: int, rate: Decimal | None = None) -> dict[date, Decimal]:
    """Present value of accepted outcomes, recognised in the month of each report's period end."""
    rate = discount_rate() if rate is None else rate
    months: dict[date, Decimal] = defaultdict(Decimal)
    for line in valued_lines(initiative_id):
        months[line.month] += sroi.value_of_outcome(line.outcome, rate)
    return dict(months)


@dataclass(frozen=True)
class SocialReturn:
    inputs: Decimal
    inputs_platform: Decimal
    inputs_declared: Decimal
    result: sroi.SroiResult
    sensitivity: list[sroi.SensitivityCase]
    by_metric: list[dict]
    series: list[dict]
    unvalued_metrics: list[str]
    evidence_levels: list[dict]

    @property
    def fiscal_value(self) -> Decimal:
        return self.result.by_value_kind.get(ValueKind.FISCAL.value, Decimal(0))

    @property
    def value_per_euro(self) -> Decimal | None:
        return self.result.sroi_ratio

    @property
    def fiscal_per_euro(self) -> Decimal | None:
        return self.fiscal_value / self.inputs if self.inputs else None

    @property
    def has_outcomes(self) -> bool:
        return bool(self.by_metric)


def social_return(initiative: Initiative, today: date | None = None) -> SocialReturn:
    """The initiative's social return: totals, breakdowns, sensitivity and the monthly series."""
    rate = discount_rate()
    lines = valued_lines(initiative.id)
    months_in, platform_cents, declared_cents = input_cents_by_month(initiative.id)
    inputs = cents_to_decimal(platform_cents + declared_cents)
    outcomes = [line.outcome for line in lines]
    result = sroi.evaluate(outcomes, inputs, rate)
    cases = sroi.sensitivity(outcomes, inputs, rate) if outcomes else []

    by_metric: dict[str, dict] = {}
    value_months: dict[date, Decimal] = defaultdict(Decimal)
    for line, valued in zip(lines, result.by_outcome, strict=True):
        entry = by_metric.setdefault(
            line.metric.code,
            {
                "metric": line.metric.code,
                "name": line.metric.name,
                "unit": line.metric.unit,
                "value_kind": line.metric.value_kind.value,
                "quantity": Decimal(0),
                "present_value": Decimal(0),
                "valued": True,
                "proxy_versions": [],
            },
        )
        entry["quantity"] += line.outcome.quantity
        entry["present_value"] += valued.present_value
        entry["valued"] = entry["valued"] and line.valued
        proxy_id = line.proxy.id if line.proxy else None
        if proxy_id not in entry["proxy_versions"]:
            entry["proxy_versions"].append(proxy_id)
        value_months[line.month] += valued.present_value

    series = []
    starts = list(months_in) + list(value_months)
    if starts:
        today = today or to_amsterdam(utcnow()).date()
        last = max([month_start(today), *starts])
        total_in = 0
        total_value = Decimal(0)
        for month in month_range(min(starts), last):
            total_in += months_in.get(month, 0)
            total_value += value_months.get(month, Decimal(0))
            inputs_so_far = cents_to_decimal(total_in)
            series.append(
                {
                    "month": month,
                    "inputs": inputs_so_far,
                    "social_value": total_value,
                    "sroi_ratio": total_value / inputs_so_far if inputs_so_far else None,
                }
            )

    levels = [
        {
            "report_id": report.id,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "evidence_level": report.evidence_level,
        }
        for report in db.session.scalars(
            select(OutcomeReport)
            .where(
                OutcomeReport.initiative_id == initiative.id,
                OutcomeReport.status == ReportStatus.ACCEPTED,
            )
            .order_by(OutcomeReport.period_start)
        )
    ]
    return SocialReturn(
        inputs=inputs,
        inputs_platform=cents_to_decimal(platform_cents),
        inputs_declared=cents_to_decimal(declared_cents),
        result=result,
        sensitivity=cases,
        by_metric=list(by_metric.values()),
        series=series,
        unvalued_metrics=[m["metric"] for m in by_metric.values() if not m["valued"]],
        evidence_levels=levels,
    )
