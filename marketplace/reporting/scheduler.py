"""The scheduler process (`flask --app wsgi scheduler`): APScheduler 3.x, Europe/Amsterdam.

Every periodic job is declared once in JOBS and has a CLI twin calling the same service. Cron
times avoid 02:00–03:00, the hour that is skipped (March) or repeated (October) when Amsterdam
changes clocks, so no run is skipped or doubled; the services are idempotent anyway (reports are
claimed per owner and period, reminders are logged per period, mail per outbox row).
Registering the jobs twice is a no-op: each has a fixed id and replace_existing=True.
"""

import importlib
import logging
from dataclasses import dataclass, field

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

log = logging.getLogger(__name__)
TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class Job:
    id: str
    target: str  # "module:function", imported when the job runs
    trigger: dict
    description: str
    enabled: bool = True
    kwargs: dict = field(default_factory=dict)


JOBS: tuple[Job, ...] = (
    Job(
        "reports",
        "marketplace.reporting.services:run_due_reports",
        {"type": "cron", "hour": 6, "minute": 0},
        "Build and queue the impact reports of the period that ended (daily: catches up).",
    ),
    Job(
        "reminders",
        "marketplace.reporting.services:send_reminders",
        {"type": "cron", "hour": 9, "minute": 0},
        "Remind initiatives whose outcome report is due or a week overdue.",
    ),
    Job(
        "payments-reconcile",
        "marketplace.donations.reconcile:reconcile_payments",
        {"type": "interval", "minutes": 15},
        "Ask the payment provider about contributions still open after their expiry.",
    ),
    Job(
        "mail-outbox",
        "marketplace.reporting.mailer:deliver_due_mail",
        {"type": "interval", "minutes": 1},
        "Deliver queued mail, with retries and backoff.",
    ),
    Job(
        "figures-stale",
        "marketplace.figures.refresh:refresh_stale",
        {"type": "interval", "minutes": 5},
        "Rebuild the figures of initiatives whose update failed after a change.",
    ),
    Job(
        "figures-nightly",
        "marketplace.figures.refresh:refresh_all",
        {"type": "cron", "hour": 3, "minute": 15},
        "Rebuild every initiative's figures and funder series from the sources.",
    ),
    Job(
        "exchange-stale",
        "marketplace.exchange.quotes:refresh_stale",
        {"type": "interval", "minutes": 1},
        "Rebuild the quotes whose figures changed, their indices and the peer groups.",
    ),
    Job(
        "exchange-nightly",
        "marketplace.exchange.quotes:refresh_all",
        {"type": "cron", "hour": 3, "minute": 45},
        "Rebuild all quotes and indices (3- and 12-month changes roll into a new month).",
    ),
    Job(
        "purge",
        "marketplace.reporting.scheduler:purge_expired_data",
        {"type": "cron", "hour": 4, "minute": 30},
        "Purge data past its retention period (later: fiscal records after 7 years).",
        enabled=False,
    ),
)


def purge_expired_data() -> None:
    """Placeholder: GDPR/fiscal retention purge is planned (see DESIGN.md, Trust)."""


def make_trigger(spec: dict):
    spec = dict(spec)
    kind = spec.pop("type")
    if kind == "cron":
        return CronTrigger(timezone=TIMEZONE, **spec)
    return IntervalTrigger(timezone=TIMEZONE, **spec)


def resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def run_job(app: Flask, job_id: str) -> None:
    """Run one job inside a fresh app context; errors are logged, the scheduler keeps going."""
    job = next(j for j in JOBS if j.id == job_id)
    with app.app_context():
        from marketplace.extensions import db

        try:
            result = resolve(job.target)(**job.kwargs)
            log.info("job %s: %s", job.id, result)
        except Exception:
            log.exception("job %s failed", job.id)
            db.session.rollback()
        finally:
            db.session.remove()


def register_jobs(scheduler: BaseScheduler, app: Flask) -> list[str]:
    """Add every enabled job (and only those whose service exists); idempotent."""
    registered = []
    # get_jobs() also lists jobs added before start(), which replace_existing does not dedupe.
    existing = {job.id for job in scheduler.get_jobs()}
    for job in JOBS:
        if not job.enabled:
            continue
        if job.id in existing:
            registered.append(job.id)
            continue
        try:
            resolve(job.target)
        except (ImportError, AttributeError):
            log.warning("job %s skipped: %s not available", job.id, job.target)
            continue
        scheduler.add_job(
            run_job,
            trigger=make_trigger(job.trigger),
            args=(app, job.id),
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
    scheduler = BlockingScheduler(timezone=TIMEZONE)
    register_jobs(scheduler, app)
    return scheduler
