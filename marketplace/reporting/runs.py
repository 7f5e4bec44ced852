"""A report run: claim each due (owner, period), render HTML and PDF, store it, queue its mails.

The built HTML/PDF and the report's mails are written in one transaction guarded by the claim
(`claims.still_ours`), so a crash before it leaves a claim the next run takes over (after
REPORT_CLAIM_LEASE_SECONDS), and a crash after it leaves queued mail that the outbox delivers
once. When the last mail of a report is delivered, the report is marked sent (`mark_report_sent`,
on `signals.mail_sent`).

No query of a run grows with the number of recipients: owners come from subqueries, preferences
in fixed batches (`preferences.PREFERENCE_BATCH`), everything else per owner or per report.
"""

import os
from collections import deque
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail import Attachment, Mail, queue_mail
from marketplace.mail.models import MailMessage, MailStatus
from marketplace.reporting import builder
from marketplace.reporting.claims import claim_report, mark_failed, release_claim, still_ours
from marketplace.reporting.figures import FigureCache, funder_figures, initiative_figures
from marketplace.reporting.models import OwnerType, Report, ReportState
from marketplace.reporting.owners import Owner, due_reports, initiative_owners, portfolio_owners
from marketplace.reporting.periods import Period, due_periods, parse_period
from marketplace.reporting.preferences import (
    recipient_language,
    unsubscribe_headers,
    unsubscribe_url,
)
from marketplace.timeutil import utcnow

POOL_MIN_REPORTS = 16  # fewer due reports: build serially (starting workers costs ~1 s)
PIPELINE_DEPTH = 4  # reports per pool worker rendered ahead of storing


@dataclass
class RunResult:
    built: int = 0
    skipped: int = 0
    failed: int = 0
    mails: int = 0


def run_due_reports(period: str | None = None, now: datetime | None = None) -> RunResult:
    """Build and queue every due report exactly once (portfolios and initiatives)."""
    now = now or utcnow()
    periods = parse_period(period) if period else due_periods(now)
    return _run(portfolio_owners() + initiative_owners(), periods, now)


def build_workers() -> int:
    """REPORT_BUILD_WORKERS, default the number of CPUs this process may use."""
    configured = current_app.config.get("REPORT_BUILD_WORKERS")
    if configured:
        return max(1, int(configured))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def _run(owners: list[Owner], periods: list[Period], now: datetime) -> RunResult:
    """Claim, render and store each due report; PDFs in a process pool when there are many.

    This process does everything that touches the database (claims, figures, HTML, storing,
    queueing) in order; only HTML -> PDF runs in the pool, at most PIPELINE_DEPTH reports per
    worker ahead, so claims are held for seconds, far below the lease.
    """
    jobs = due_reports(owners, periods)
    result = RunResult()
    cache = FigureCache()
    workers = build_workers() if len(jobs) >= POOL_MIN_REPORTS else 1
    with _keep_loaded_on_commit(), builder.pdf_renderer(workers) as renderer:
        depth = PIPELINE_DEPTH * renderer.workers if renderer.parallel else 0
        in_flight: deque[_Pending] = deque()
        for owner, current, recipients, attach in jobs:
            pending = _start_one(owner, current, recipients, attach, now, cache, renderer, result)
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


@dataclass
class _Pending:
    """A claimed report whose HTML is rendered and whose PDFs are being rendered."""

    report_id: int
    version: int
    owner: Owner
    period: Period
    recipients: list[User]
    attach: frozenset[int]  # recipients who want the PDF attached
    primary: str
    renditions: dict[str, tuple[str, str]]  # language -> (title, body)
    pdfs: dict[str, Future]  # language -> PDF bytes, for the languages someone wants attached


def _start_one(owner, period, recipients, attach, now, cache, renderer, result: RunResult):
    claim = claim_report(owner, period, now)
    if claim is None:
        result.skipped += 1
        return None
    report_id, version = claim
    try:
        pending = _start_report(
            report_id, version, owner, period, recipients, attach, cache, renderer
        )
    except Exception as error:  # noqa: BLE001 (one bad report must not stop the run)
        mark_failed(report_id, version, error)
        result.failed += 1
        return None
    if pending is None:
        release_claim(report_id, version)
        result.skipped += 1
    return pending


def _finish_one(pending: _Pending, result: RunResult) -> None:
    try:
        queued = _store_report(pending)
    except Exception as error:  # noqa: BLE001 (one bad report must not stop the run)
        mark_failed(pending.report_id, pending.version, error)
        result.failed += 1
        return
    if queued is None:
        result.skipped += 1
        return
    result.built += 1
    result.mails += queued


def _languages(recipients) -> tuple[str, list[str]]:
    """(language of the archive copy, every language to render)."""
    languages = sorted({recipient_language(u) for u in recipients})
    primary = languages[0] if len(languages) == 1 else "nl"
    if primary not in languages:
        languages.insert(0, primary)
    return primary, languages


def _render(owner: Owner, period: Period, language: str, cache: FigureCache):
    """(title, body HTML) of the report in `language`, or None when there is nothing to report."""
    with force_locale(language):  # metric names in highlights follow the locale
        if owner.type == OwnerType.INITIATIVE:
            figures = initiative_figures(owner.subject, period.start, period.end, cache)
            if figures.received_cents <= 0 and not figures.series:
                return None
            return builder.render_initiative_body(figures, period.cadence, language)
        figures = funder_figures(owner.subject, period.start, period.end, cache)
        if not figures.holdings:
            return None
        return builder.render_portfolio_body(owner.name, figures, period.cadence, language)


def _start_report(report_id, version, owner, period, recipients, attach, cache, renderer):
    """Render the HTML per language and submit the PDFs someone wants attached (the others are
    made on first download); None when there is nothing to report."""
    primary, languages = _languages(recipients)
    renditions = {}
    for language in languages:
        rendered = _render(owner, period, language, cache)
        if rendered is None:
            return None
        renditions[language] = rendered
    db.session.commit()  # end the read transaction before the (possibly parallel) PDF work
    attached = {recipient_language(u) for u in recipients if u.id in attach}
    pdfs = {
        language: renderer.submit(builder.document(title, body, language, inline_css=False))
        for language, (title, body) in renditions.items()
        if language in attached
    }
    return _Pending(
        report_id, version, owner, period, recipients, attach, primary, renditions, pdfs
    )


def after_build(report_id: int) -> None:
    """Between building and queueing (a seam for tests that simulate a crash)."""


def _store_report(pending: _Pending) -> int | None:
    """Store HTML + PDF and queue the mails in one transaction; None if the claim was lost."""
    pdfs = {language: future.result() for language, future in pending.pdfs.items()}
    title, body = pending.renditions[pending.primary]
    html = builder.document(title, body, pending.primary)
    report_id = pending.report_id
    after_build(report_id)
    result = db.session.execute(
        update(Report)
        .where(still_ours(report_id, pending.version))
        .values(
            status=ReportState.BUILT,
            title=title,
            html=html,
            pdf=pdfs.get(pending.primary),
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
        language = recipient_language(user)
        r_title, r_body = pending.renditions[language]
        pdf = pdfs[language] if user.id in pending.attach else None
        mail = _report_mail(
            user, pending.owner, pending.period, (r_title, r_body), pdf, language, report_id
        )
        if queue_mail(mail, key=f"report:{report_id}:user:{user.id}", report_id=report_id):
            queued += 1
    db.session.commit()
    return queued


def _report_mail(user, owner, period, rendition, pdf: bytes | None, language, report_id) -> Mail:
    """The report mail of one recipient: the PDF attached, or a link to it."""
    title, body = rendition
    unsubscribe = unsubscribe_url(user, "reports")
    preferences = builder.external_url("reporting.preferences")
    archive = builder.external_url("reporting.show_report", report_id=report_id)
    pdf_url = None if pdf else builder.external_url("reporting.download_pdf", report_id=report_id)
    html = builder.document(title, body, language, unsubscribe, preferences, pdf_url=pdf_url)
    with force_locale(language):
        text = render_template(
            "reporting/mail/report.txt",
            name=user.name,
            start=period.start,
            end=period.end,
            archive_url=archive,
            pdf_url=pdf_url,
            attached=pdf is not None,
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
        attachments=[Attachment(f"impactbeurs-{period.key}-{report_id}.pdf", pdf)] if pdf else [],
        headers=unsubscribe_headers(user, "reports"),
    )


def mark_report_sent(report_id: int) -> bool:
    """A built report whose mails are all delivered becomes SENT; True when it changed."""
    unsent = db.session.scalar(
        select(MailMessage.id)
        .where(MailMessage.report_id == report_id, MailMessage.status != MailStatus.SENT)
        .limit(1)
    )
    changed = False
    if unsent is None:
        result = db.session.execute(
            update(Report)
            .where(Report.id == report_id, Report.status == ReportState.BUILT)
            .values(status=ReportState.SENT, sent_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        changed = result.rowcount == 1
    db.session.commit()
    return changed
