"""Every scheduled job, listed once by direct reference, and the scheduler process that runs them.

`flask --app wsgi scheduler` runs APScheduler 3.x (Europe/Amsterdam) in the foreground, one extra
process beside the web workers. Each job names the function it calls, as redash's `schedule.py`
does: a job whose function was renamed or moved breaks the import of this module, so the
scheduler (and the app, which registers its command) fails at start-up instead of skipping it.
Every job has a CLI twin calling the same function (README, "Command line").

Cron times avoid 02:00–03:00, the hour that is skipped (March) or repeated (October) when Amsterdam
changes clocks, so no run is skipped or doubled; the jobs are idempotent anyway (reports are
claimed per owner and period, reminders are logged per period, mail per outbox row).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app

from marketplace.community.digest import send_digests
from marketplace.donations.inbox import drain_inbox
from marketplace.donations.reconcile import reconcile_payments
from marketplace.exchange import quotes
from marketplace.extensions import db
from marketplace.figures import refresh as figures
from marketplace.investments.closing import close_due_offers
from marketplace.investments.repayments import flag_late_instalments
from marketplace.mail.outbox import deliver_due_mail
from marketplace.privacy.purge import purge_expired_data
from marketplace.reporting.reminders import send_reminders
from marketplace.reporting.runs import run_due_reports
from marketplace.settlement.jobs import run_payouts
from marketplace.volunteering.reminders import send_task_reminders

log = logging.getLogger(__name__)
TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class Job:
    """One periodic job: what it calls (with `kwargs`), when (`trigger`), and why."""

    id: str
    func: Callable[..., object]
    trigger: dict  # {"type": "cron", "hour": 6, "minute": 0} or {"type": "interval", ...}
    description: str
    kwargs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise TypeError(f"job {self.id!r}: {self.func!r} is not callable")
        make_trigger(self.trigger)  # an unknown trigger type or field fails here, not at 06:00


def make_trigger(spec: dict):
    """The APScheduler trigger of a job's `trigger` spec, in Amsterdam time."""
    spec = dict(spec)
    kind = spec.pop("type")
    if kind == "cron":
        return CronTrigger(timezone=TIMEZONE, **spec)
    if kind == "interval":
        return IntervalTrigger(timezone=TIMEZONE, **spec)
    raise ValueError(f"unknown trigger type {kind!r}")


JOBS: tuple[Job, ...] = (
    Job(
        "reports",
        run_due_reports,
        {"type": "cron", "hour": 6, "minute": 0},
        "Build and queue the impact reports of the period that ended (daily: catches up).",
    ),
    Job(
        "reminders",
        send_reminders,
        {"type": "cron", "hour": 9, "minute": 0},
        "Remind initiatives whose outcome report is due or a week overdue.",
    ),
    Job(
        "payments-reconcile",
        reconcile_payments,
        {"type": "interval", "minutes": 15},
        "Ask the payment provider about contributions still open after their expiry.",
    ),
    Job(
        "webhooks-inbox",
        drain_inbox,
        {"type": "interval", "minutes": 1},
        "Apply stored webhooks that no webhook worker has applied (WEBHOOKS_QUEUED).",
    ),
    Job(
        "payouts-transfer",
        run_payouts,
        {"type": "interval", "minutes": 15},
        "Follow initiatives' onboarding, transfer held money, check transfers with the provider.",
    ),
    Job(
        "mail-outbox",
        deliver_due_mail,
        {"type": "interval", "minutes": 1},
        "Deliver queued mail, with retries and backoff.",
    ),
    Job(
        "figures-stale",
        figures.refresh_stale,
        {"type": "interval", "minutes": 5},
        "Rebuild the figures of initiatives whose update failed after a change.",
    ),
    Job(
        "figures-nightly",
        figures.refresh_all,
        {"type": "cron", "hour": 3, "minute": 15},
        "Rebuild every initiative's figures and funder series from the sources.",
    ),
    Job(
        "exchange-stale",
        quotes.refresh_stale,
        {"type": "interval", "minutes": 1},
        "Rebuild the quotes whose figures changed, their indices and the peer groups.",
    ),
    Job(
        "privacy-purge",
        purge_expired_data,
        {"type": "cron", "hour": 4, "minute": 30},
        "Delete what was kept long enough: log-ins, sent mail, erased persons' old records.",
    ),
    Job(
        "exchange-nightly",
        quotes.refresh_all,
        {"type": "cron", "hour": 3, "minute": 45},
        "Rebuild all quotes and indices (3- and 12-month changes roll into a new month).",
    ),
    Job(
        "offers-close",
        close_due_offers,
        {"type": "interval", "minutes": 15},
        "Close due investment offers (payout or refunds) and finish refunds still owed.",
    ),
    Job(
        "offers-late",
        flag_late_instalments,
        {"type": "cron", "hour": 8, "minute": 30},
        "Flag offers with a late instalment and remind their owners (once per instalment).",
    ),
    Job(
        "tasks-remind",
        send_task_reminders,
        {"type": "interval", "hours": 1},
        "Remind everyone signed up for a task that starts tomorrow (hourly; once per sign-up).",
    ),
    Job(
        "community-digest",
        send_digests,
        {"type": "cron", "hour": 7, "minute": 0},
        "Queue the daily digests, and on Mondays the weekly ones (once per person and period).",
    ),
)


def _by_id(jobs: tuple[Job, ...]) -> dict[str, Job]:
    found = {job.id: job for job in jobs}
    if len(found) != len(jobs):
        raise ValueError("two scheduled jobs share an id")
    return found


JOBS_BY_ID = _by_id(JOBS)


def run_job(app: Flask, job: Job) -> None:
    """Run one job inside a fresh app context; errors are logged, the scheduler keeps going."""
    with app.app_context():
        try:
            result = job.func(**job.kwargs)
            log.info("job %s: %s", job.id, result)
        except Exception:
            log.exception("job %s failed", job.id)
            db.session.rollback()
        finally:
            db.session.remove()


def register_jobs(scheduler: BaseScheduler, app: Flask, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Add every job to the scheduler; registering twice is a no-op. Returns the job ids."""
    registered = []
    # get_jobs() also lists jobs added before start(), which replace_existing does not dedupe.
    existing = {job.id for job in scheduler.get_jobs()}
    for job in jobs:
        if job.id not in existing:
            scheduler.add_job(
                run_job,
                trigger=make_trigger(job.trigger),
                args=(app, job),
                id=job.id,
                name=job.description,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
            )
        registered.append(job.id)
    return registered


def create_scheduler(app: Flask) -> BlockingScheduler:
    """A blocking scheduler (the process's main loop) with every job registered."""
    scheduler = BlockingScheduler(timezone=TIMEZONE)
    register_jobs(scheduler, app)
    return scheduler


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler process (every job in JOBS) in the foreground; Ctrl-C stops it."""
    app = current_app._get_current_object()
    scheduler = create_scheduler(app)
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id}: {job.trigger}")
    click.echo("Scheduler running (Europe/Amsterdam); Ctrl-C stops it.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
