"""Scheduled reports exactly once, reminders, preferences and one-click unsubscribe.

A run claims each (owner, period) Report row before building it: INSERT (the unique key elects
one runner; a concurrent INSERT fails with IntegrityError), or take over a stale/failed claim with
a compare-and-set UPDATE on `attempts`. The built HTML/PDF and the report's mails are written in
one transaction guarded by the same compare-and-set, so a crash before it leaves a claim the next
run takes over (after REPORT_CLAIM_LEASE_SECONDS), and a crash after it leaves queued mail that
the outbox delivers once. The same code is safe on SQLite for one process.
"""

import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.impact.models import InitiativeOutcome, OutcomeReport, ReportPeriod
from marketplace.impact.models import ReportStatus as OutcomeStatus
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.mailer import Attachment, Mail
from marketplace.reporting import builder
from marketplace.reporting.figures import FigureCache, funder_figures, initiative_figures
from marketplace.reporting.mailer import queue_mail
from marketplace.reporting.models import (
    Cadence,
    OwnerType,
    ReminderKind,
    ReminderLog,
    Report,
    ReportPreference,
    ReportState,
)
from marketplace.timeutil import to_amsterdam, utcnow

log = logging.getLogger(__name__)

RUNNER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
DEFAULT_CLAIM_LEASE_SECONDS = 900
MAX_BUILD_ATTEMPTS = 5
LANGUAGES = ("nl", "en")
POOL_MIN_REPORTS = 16  # fewer due reports: build serially (starting workers costs ~1 s)
PIPELINE_DEPTH = 4  # reports per pool worker rendered ahead of storing


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    cadence: Cadence

    @property
    def key(self) -> str:
        if self.cadence == Cadence.QUARTERLY:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _month_end(year, month), Cadence.MONTHLY)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), _month_end(year, first + 2), Cadence.QUARTERLY)


def periods_ending_in(year: int, month: int) -> list[Period]:
    """The month, plus its quarter when the month closes one."""
    periods = [month_period(year, month)]
    if month % 3 == 0:
        periods.append(quarter_period(year, month // 3))
    return periods


def parse_period(text: str) -> list[Period]:
    """'2026-10' -> that month (and its quarter when it closes one); '2026-Q4' -> the quarter."""
    value = (text or "").strip().upper()
    try:
        year_text, _sep, rest = value.partition("-")
        year = int(year_text)
        if rest.startswith("Q"):
            quarter = int(rest[1:])
            if not 1 <= quarter <= 4:
                raise ValueError
            return [quarter_period(year, quarter)]
        month = int(rest)
        if not 1 <= month <= 12 or year < 2000:
            raise ValueError
        return periods_ending_in(year, month)
    except ValueError:
        message = _("Use a period like 2026-10 or 2026-Q4.")
        raise InvalidInput(message, {"period": [message]}) from None


def due_periods(now: datetime | None = None) -> list[Period]:
    """The periods that ended with last month (Amsterdam calendar)."""
    today = to_amsterdam(now or utcnow()).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    return periods_ending_in(last_month.year, last_month.month)


# --- preferences and unsubscribe -----------------------------------------------------------------


def preference_for(user: User) -> ReportPreference:
    """The user's preference row (unsaved defaults when none yet)."""
    found = db.session.scalar(select(ReportPreference).where(ReportPreference.user_id == user.id))
    return found or ReportPreference(user_id=user.id, cadence=Cadence.MONTHLY, reminders=True)


def update_preference(user: User, cadence: str, reminders: bool) -> ReportPreference:
    """Save how often the user gets reports, and whether reminders."""
    try:
        chosen = Cadence(cadence)
    except ValueError:
        message = _("Choose monthly, quarterly or off.")
        raise InvalidInput(message, {"cadence": [message]}) from None
    preference = preference_for(user)
    preference.cadence = chosen
    preference.reminders = bool(reminders)
    db.session.add(preference)
    db.session.commit()
    return preference


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reporting-unsubscribe")


def unsubscribe_token(user: User, kind: str = "reports") -> str:
    """A signed, non-expiring token naming the user and what to stop (reports | reminders)."""
    return _serializer().dumps({"u": user.id, "k": kind})


def unsubscribe_url(user: User, kind: str = "reports") -> str:
    token = unsubscribe_token(user, kind)
    return builder.external_url("reporting.unsubscribe", token=token)


def unsubscribe_headers(user: User, kind: str = "reports") -> dict[str, str]:
    """RFC 2369 + RFC 8058 one-click unsubscribe headers."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def user_for_unsubscribe(token: str) -> tuple[User, str]:
    try:
        data = _serializer().loads(token)
        user = db.session.get(User, int(data["u"]))
        kind = data["k"]
    except (BadSignature, KeyError, TypeError, ValueError):
        user, kind = None, ""
    if user is None or kind not in ("reports", "reminders"):
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, kind


def unsubscribe(token: str) -> tuple[User, str]:
    """Stop reports (or reminders) for the token's user; idempotent."""
    user, kind = user_for_unsubscribe(token)
    preference = preference_for(user)
    if kind == "reports":
        preference.cadence = Cadence.OFF
    else:
        preference.reminders = False
    db.session.add(preference)
    db.session.commit()
    return user, kind


def _preferences(user_ids: Iterable[int]) -> dict[int, ReportPreference]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {
        p.user_id: p
        for p in db.session.scalars(
            select(ReportPreference).where(ReportPreference.user_id.in_(ids))
        )
    }


# --- owners and recipients -----------------------------------------------------------------------


@dataclass
class Owner:
    type: OwnerType
    id: int
    name: str
    subject: object  # User, Organisation or Initiative
    recipients: list[User] = field(default_factory=list)


def portfolio_owners() -> list[Owner]:
    """Every funder with a holding (contract C) and who receives its reports."""
    from marketplace.portfolios.build import funders_with_holdings

    owners = []
    for funder in funders_with_holdings():
        if isinstance(funder, User):
            owners.append(Owner(OwnerType.USER, funder.id, funder.name, funder, [funder]))
        else:
            from marketplace.organisations.services import members_of

            members = [m.user for m in members_of(funder)]
            owners.append(Owner(OwnerType.ORGANISATION, funder.id, funder.name, funder, members))
    return owners


def initiative_owners() -> list[Owner]:
    """Published initiatives (their owners receive the funding and impact report)."""
    return [
        Owner(OwnerType.INITIATIVE, i.id, i.name, i, list(i.owners))
        for i in db.session.scalars(
            select(Initiative)
            .where(Initiative.status == InitiativeStatus.PUBLISHED)
            .options(selectinload(Initiative.owners))
            .order_by(Initiative.id)
        )
    ]


# --- claims --------------------------------------------------------------------------------------


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


def _still_ours(report_id: int, version: int):
    return (
        (Report.id == report_id)
        & (Report.attempts == version)
        & (Report.status == ReportState.CLAIMED)
    )


def after_build(report_id: int) -> None:
    """Between building and queueing (a seam for tests that simulate a crash)."""


# --- building ------------------------------------------------------------------------------------


@dataclass
class RunResult:
    built: int = 0
    skipped: int = 0
    failed: int = 0
    mails: int = 0


def _recipient_language(user: User) -> str:
    return user.locale if user.locale in LANGUAGES else "nl"


def _render(owner: Owner, period: Period, language: str, cache: FigureCache):
    with force_locale(language):  # metric names in highlights follow the locale
        return _render_in_locale(owner, period, language, cache)


def _render_in_locale(owner: Owner, period: Period, language: str, cache: FigureCache):
    """(title, body HTML) of the report in `language`, or None when there is nothing to report."""
    if owner.type == OwnerType.INITIATIVE:
        figures = initiative_figures(owner.subject, period.start, period.end, cache)
        if figures.received_cents <= 0 and not figures.series:
            return None
        return builder.render_initiative_body(figures, period.cadence, language)
    figures = funder_figures(owner.subject, period.start, period.end, cache)
    if not figures.holdings:
        return None
    return builder.render_portfolio_body(owner.name, figures, period.cadence, language)


@dataclass
class _Pending:
    """A claimed report whose HTML is rendered and whose PDFs are being rendered."""

    report_id: int
    version: int
    owner: Owner
    period: Period
    recipients: list[User]
    primary: str
    renditions: dict[str, tuple[str, str]]  # language -> (title, body)
    pdfs: dict[str, Future]  # language -> PDF bytes


def _languages(recipients) -> tuple[str, list[str]]:
    """(language of the archive copy, every language to render)."""
    languages = sorted({_recipient_language(u) for u in recipients})
    primary = languages[0] if len(languages) == 1 else "nl"
    if primary not in languages:
        languages.insert(0, primary)
    return primary, languages


def _start_report(report_id, version, owner, period, recipients, cache, renderer):
    """Render the HTML per language and submit its PDFs; None when there is nothing to report."""
    primary, languages = _languages(recipients)
    renditions = {}
    for language in languages:
        rendered = _render(owner, period, language, cache)
        if rendered is None:
            return None
        renditions[language] = rendered
    db.session.commit()  # end the read transaction before the (possibly parallel) PDF work
    pdfs = {
        language: renderer.submit(builder.document(title, body, language, inline_css=False))
        for language, (title, body) in renditions.items()
    }
    return _Pending(report_id, version, owner, period, recipients, primary, renditions, pdfs)


def _store_report(pending: _Pending) -> int | None:
    """Store HTML + PDF and queue the mails in one transaction; None if the claim was lost."""
    pdfs = {language: future.result() for language, future in pending.pdfs.items()}
    title, body = pending.renditions[pending.primary]
    html = builder.document(title, body, pending.primary)
    report_id = pending.report_id
    after_build(report_id)
    result = db.session.execute(
        update(Report)
        .where(_still_ours(report_id, pending.version))
        .values(
            status=ReportState.BUILT,
            title=title,
            html=html,
            pdf=pdfs[pending.primary],
            language=pending.primary,
            built_at=utcnow(),
            last_error="",
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()  # another runner took over our claim; it sends, not us
        return None
    queued = 0
    for user in pending.recipients:
        language = _recipient_language(user)
        r_title, r_body = pending.renditions[language]
        owner, period, pdf = pending.owner, pending.period, pdfs[language]
        mail = _report_mail(user, owner, period, r_title, r_body, pdf, language, report_id)
        if queue_mail(mail, key=f"report:{report_id}:user:{user.id}", report_id=report_id):
            queued += 1
    db.session.commit()
    return queued


def _report_mail(user, owner, period, title, body, pdf, language, report_id) -> Mail:
    unsubscribe = unsubscribe_url(user, "reports")
    preferences = builder.external_url("reporting.preferences")
    archive = builder.external_url("reporting.show_report", report_id=report_id)
    html = builder.document(title, body, language, unsubscribe, preferences)
    with force_locale(language):
        text = render_template(
            "reporting/mail/report.txt",
            name=user.name,
            start=period.start,
            end=period.end,
            archive_url=archive,
            summary=title,
            preferences_url=preferences,
            unsubscribe_url=unsubscribe,
        )
        subject = title if owner.type == OwnerType.USER else f"{title} · {owner.name}"
    return Mail(
        to=user.email,
        subject=subject,
        text=text,
        html=html,
        attachments=[Attachment(f"impactbeurs-{period.key}-{report_id}.pdf", pdf)],
        headers=unsubscribe_headers(user, "reports"),
    )


def _wanted(recipients, period: Period, preferences) -> list[User]:
    chosen = []
    for user in recipients:
        if not user.active:
            continue
        preference = preferences.get(user.id)
        cadence = preference.cadence if preference else Cadence.MONTHLY
        if cadence == period.cadence:
            chosen.append(user)
    return chosen


def build_workers() -> int:
    """REPORT_BUILD_WORKERS, default the number of CPUs this process may use."""
    configured = current_app.config.get("REPORT_BUILD_WORKERS")
    if configured:
        return max(1, int(configured))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def run_due_reports(period: str | None = None, now: datetime | None = None) -> RunResult:
    """Build and queue every due report exactly once (portfolios and initiatives)."""
    now = now or utcnow()
    periods = parse_period(period) if period else due_periods(now)
    return _run(portfolio_owners() + initiative_owners(), periods, now)


def initiative_reports(period: str | None = None, now: datetime | None = None) -> RunResult:
    """Only the initiatives' funding and impact reports (also part of run_due_reports)."""
    now = now or utcnow()
    periods = parse_period(period) if period else due_periods(now)
    return _run(initiative_owners(), periods, now)


def _run(owners: list[Owner], periods: list[Period], now: datetime) -> RunResult:
    """Claim, render and store each due report; PDFs in a process pool when there are many.

    This process does everything that touches the database (claims, figures, HTML, storing,
    queueing) in order; only HTML -> PDF runs in the pool, at most PIPELINE_DEPTH reports per
    worker ahead, so claims are held for seconds, far below the lease.
    """
    preferences = _preferences(u.id for o in owners for u in o.recipients)
    jobs = []
    for current in periods:
        for owner in owners:
            recipients = _wanted(owner.recipients, current, preferences)
            if recipients:
                jobs.append((owner, current, recipients))
    result = RunResult()
    cache = FigureCache()
    workers = build_workers() if len(jobs) >= POOL_MIN_REPORTS else 1
    with _keep_loaded_on_commit(), builder.pdf_renderer(workers) as renderer:
        depth = PIPELINE_DEPTH * renderer.workers if renderer.parallel else 0
        in_flight: deque[_Pending] = deque()
        for owner, current, recipients in jobs:
            pending = _start_one(owner, current, recipients, now, cache, renderer, result)
            if pending is not None:
                in_flight.append(pending)
            while len(in_flight) > depth:
                _finish_one(in_flight.popleft(), result)
        while in_flight:
            _finish_one(in_flight.popleft(), result)
    db.session.commit()
    return result


@contextmanager
def _keep_loaded_on_commit():
    """A run commits two or three times per report while it holds every owner and recipient.

    Expiring (and then reloading) all of them at each commit would make a run quadratic in the
    number of owners; they are read-only here, so they stay loaded until the run ends.
    """
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = expire_on_commit
        session.expire_all()


def _start_one(owner, period, recipients, now, cache, renderer, result: RunResult):
    claim = claim_report(owner, period, now)
    if claim is None:
        result.skipped += 1
        return None
    report_id, version = claim
    try:
        pending = _start_report(report_id, version, owner, period, recipients, cache, renderer)
    except Exception as error:  # noqa: BLE001 (one bad report must not stop the run)
        _failed(report_id, version, error, result)
        return None
    if pending is None:
        # Nothing to report (no holdings yet): drop the claim so a later run can try again.
        db.session.execute(Report.__table__.delete().where(_still_ours(report_id, version)))
        db.session.commit()
        result.skipped += 1
    return pending


def _finish_one(pending: _Pending, result: RunResult) -> None:
    try:
        queued = _store_report(pending)
    except Exception as error:  # noqa: BLE001 (one bad report must not stop the run)
        _failed(pending.report_id, pending.version, error, result)
        return
    if queued is None:
        result.skipped += 1
        return
    result.built += 1
    result.mails += queued


def _failed(report_id: int, version: int, error: Exception, result: RunResult) -> None:
    db.session.rollback()
    log.error("report %s failed", report_id, exc_info=error)
    db.session.execute(
        update(Report)
        .where(_still_ours(report_id, version))
        .values(status=ReportState.FAILED, last_error=f"{type(error).__name__}: {error}")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    result.failed += 1


# --- reminders -----------------------------------------------------------------------------------


def _period_end(start: date, period: ReportPeriod) -> date:
    months = {ReportPeriod.MONTH: 1, ReportPeriod.QUARTER: 3, ReportPeriod.YEAR: 12}[period]
    index = start.year * 12 + start.month - 1 + months
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
    months = {ReportPeriod.MONTH: 1, ReportPeriod.QUARTER: 3, ReportPeriod.YEAR: 12}[cadence]
    index = today.year * 12 + today.month - 1
    index -= (today.month - 1) % months if months in (3, 12) else 0
    index -= months
    start = date(index // 12, index % 12 + 1, 1)
    return start, _period_end(start, cadence)


def due_date(period_end: date) -> date:
    days = int(current_app.config.get("OUTCOME_REPORT_DUE_DAYS", 30))
    return period_end + timedelta(days=days)


def send_reminders(now: datetime | None = None) -> int:
    """Remind owners of outcome reports due within a week, and again a week after the due date."""
    today = to_amsterdam(now or utcnow()).date()
    declared = select(InitiativeOutcome.initiative_id, InitiativeOutcome.created_at).order_by(
        InitiativeOutcome.created_at
    )
    first_declared: dict[int, datetime] = {}
    for initiative_id, created_at in db.session.execute(declared):
        first_declared.setdefault(initiative_id, created_at)
    sent = 0
    for initiative in db.session.scalars(
        select(Initiative).where(
            Initiative.id.in_(list(first_declared)),
            Initiative.status == InitiativeStatus.PUBLISHED,
        )
    ):
        start, end = expected_period(initiative.id, today)
        if to_amsterdam(first_declared[initiative.id]).date() > end:
            continue  # nothing was declared yet during that period
        done = db.session.scalar(
            select(OutcomeReport.id).where(
                OutcomeReport.initiative_id == initiative.id,
                OutcomeReport.period_start <= start,
                OutcomeReport.period_end >= end,
                or_(
                    OutcomeReport.status == OutcomeStatus.SUBMITTED,
                    OutcomeReport.status == OutcomeStatus.ACCEPTED,
                ),
            )
        )
        if done is not None:
            continue
        due = due_date(end)
        if today >= due + timedelta(days=7):
            kind = ReminderKind.OVERDUE
        elif today >= due - timedelta(days=7):
            kind = ReminderKind.DUE
        else:
            continue
        sent += _remind(initiative, start, end, due, kind)
    return sent


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
    preferences = _preferences(u.id for u in initiative.owners)
    report_url = builder.external_url("impact.new_report", slug=initiative.slug)
    count = 0
    for user in initiative.owners:
        preference = preferences.get(user.id)
        if not user.active or (preference is not None and not preference.reminders):
            continue
        language = _recipient_language(user)
        with force_locale(language):
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
        mail = Mail(
            to=user.email,
            subject=subject,
            text=text,
            headers=unsubscribe_headers(user, "reminders"),
        )
        key = f"reminder:{initiative.id}:{start.isoformat()}:{kind.value}:user:{user.id}"
        if queue_mail(mail, key=key):
            count += 1
    db.session.commit()
    return count


# --- archive -------------------------------------------------------------------------------------


def _owner_conditions(user: User):
    conditions = [(Report.owner_type == OwnerType.USER) & (Report.owner_id == user.id)]
    try:
        from marketplace.organisations.services import organisations_of

        org_ids = [o.id for o in organisations_of(user)]
    except ImportError:  # pragma: no cover
        org_ids = []
    if org_ids:
        conditions.append(
            (Report.owner_type == OwnerType.ORGANISATION) & Report.owner_id.in_(org_ids)
        )
    initiative_ids = [
        i.id
        for i in db.session.scalars(
            select(Initiative).where(Initiative.owners.any(User.id == user.id))
        )
    ]
    if initiative_ids:
        conditions.append(
            (Report.owner_type == OwnerType.INITIATIVE) & Report.owner_id.in_(initiative_ids)
        )
    return or_(*conditions)


def reports_for(user: User, page: int = 1, per_page: int = 20):
    """The user's archive: own, organisations' and initiatives' reports, newest first."""
    query = (
        select(Report)
        .where(
            _owner_conditions(user),
            Report.status.in_([ReportState.BUILT, ReportState.SENT]),
        )
        .order_by(Report.period_end.desc(), Report.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_report(report_id: int, user: User) -> Report:
    """A report of the user's own, of one of their organisations or initiatives; else NotFound."""
    report = db.session.scalar(
        select(Report).where(
            Report.id == report_id,
            _owner_conditions(user),
            Report.status.in_([ReportState.BUILT, ReportState.SENT]),
        )
    )
    if report is None:
        raise NotFound(_("Report not found."))
    return report


def owner_name(report: Report) -> str:
    if report.owner_type == OwnerType.USER:
        user = db.session.get(User, report.owner_id)
        return user.name if user else ""
    if report.owner_type == OwnerType.INITIATIVE:
        initiative = db.session.get(Initiative, report.owner_id)
        return initiative.name if initiative else ""
    from marketplace.organisations.models import Organisation

    organisation = db.session.get(Organisation, report.owner_id)
    return organisation.name if organisation else ""
