"""Reminders to initiatives whose outcome report is due (a week before) or overdue (a week after).

Each (initiative, period, kind) is reminded once: the unique key of `ReminderLog` decides, and
each owner's mail has its own outbox key.
"""

from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.impact.models import InitiativeOutcome, OutcomeReport, ReportPeriod
from marketplace.impact.models import ReportStatus as OutcomeStatus
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.mail import Mail, queue_mail
from marketplace.reporting.builder import external_url
from marketplace.reporting.models import ReminderKind, ReminderLog
from marketplace.reporting.preferences import (
    preferences_of,
    recipient_language,
    unsubscribe_headers,
    unsubscribe_url,
)
from marketplace.timeutil import to_amsterdam, utcnow

MONTHS = {ReportPeriod.MONTH: 1, ReportPeriod.QUARTER: 3, ReportPeriod.YEAR: 12}


def _period_end(start: date, period: ReportPeriod) -> date:
    index = start.year * 12 + start.month - 1 + MONTHS[period]
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def expected_period(initiative_id: int, today: date) -> tuple[date, date] | None:
    """The latest completed reporting period (the cadence of its last report; quarterly default)."""
    last = db.session.scalar(
        select(OutcomeReport)
        .where(OutcomeReport.initiative_id == initiative_id)
        .order_by(OutcomeReport.period_end.desc())
        .limit(1)
    )
    cadence = last.period if last is not None else ReportPeriod.QUARTER
    months = MONTHS[cadence]
    index = today.year * 12 + today.month - 1
    index -= (today.month - 1) % months if months in (3, 12) else 0
    index -= months
    start = date(index // 12, index % 12 + 1, 1)
    return start, _period_end(start, cadence)


def due_date(period_end: date) -> date:
    """When the outcome report of a period ending on `period_end` is due."""
    days = int(current_app.config.get("OUTCOME_REPORT_DUE_DAYS", 30))
    return period_end + timedelta(days=days)


def send_reminders(now: datetime | None = None) -> int:
    """Remind owners of outcome reports due within a week, and again a week after the due date."""
    today = to_amsterdam(now or utcnow()).date()
    first_declared = (
        select(
            InitiativeOutcome.initiative_id,
            func.min(InitiativeOutcome.created_at).label("first_declared"),
        )
        .group_by(InitiativeOutcome.initiative_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Initiative, first_declared.c.first_declared)
        .join(first_declared, first_declared.c.initiative_id == Initiative.id)
        .where(Initiative.status == InitiativeStatus.PUBLISHED)
        .order_by(Initiative.id)
    ).all()
    sent = 0
    for initiative, declared_at in rows:
        start, end = expected_period(initiative.id, today)
        if to_amsterdam(declared_at).date() > end:
            continue  # nothing was declared yet during that period
        if _reported(initiative.id, start, end):
            continue
        due = due_date(end)
        kind = _reminder_kind(today, due)
        if kind is not None:
            sent += _remind(initiative, start, end, due, kind)
    return sent


def _reported(initiative_id: int, start: date, end: date) -> bool:
    """Whether an outcome report covering the period is submitted or accepted."""
    found = db.session.scalar(
        select(OutcomeReport.id)
        .where(
            OutcomeReport.initiative_id == initiative_id,
            OutcomeReport.period_start <= start,
            OutcomeReport.period_end >= end,
            or_(
                OutcomeReport.status == OutcomeStatus.SUBMITTED,
                OutcomeReport.status == OutcomeStatus.ACCEPTED,
            ),
        )
        .limit(1)
    )
    return found is not None


def _reminder_kind(today: date, due: date) -> ReminderKind | None:
    if today >= due + timedelta(days=7):
        return ReminderKind.OVERDUE
    if today >= due - timedelta(days=7):
        return ReminderKind.DUE
    return None


def _remind(initiative: Initiative, start: date, end: date, due: date, kind) -> int:
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderLog(
                    initiative_id=initiative.id, period_start=start, period_end=end, kind=kind
                )
            )
    except IntegrityError:
        db.session.commit()
        return 0  # already reminded
    preferences = preferences_of(u.id for u in initiative.owners)
    report_url = external_url("outcome_reports.new_report", slug=initiative.slug)
    count = 0
    for user in initiative.owners:
        preference = preferences.get(user.id)
        if not user.active or (preference is not None and not preference.reminders):
            continue
        with force_locale(recipient_language(user)):
            text = render_template(
                "reporting/mail/reminder.txt",
                name=user.name,
                initiative=initiative,
                start=start,
                end=end,
                due=due,
                overdue=kind == ReminderKind.OVERDUE,
                report_url=report_url,
                unsubscribe_url=unsubscribe_url(user, "reminders"),
            )
            if kind == ReminderKind.OVERDUE:
                subject = _("Outcome report overdue: %(name)s", name=initiative.name)
            else:
                subject = _("Outcome report due: %(name)s", name=initiative.name)
        headers = unsubscribe_headers(user, "reminders")
        mail = Mail(to=user.email, subject=subject, text=text, headers=headers)
        key = f"reminder:{initiative.id}:{start.isoformat()}:{kind.value}:user:{user.id}"
        if queue_mail(mail, key=key):
            count += 1
    db.session.commit()
    return count
