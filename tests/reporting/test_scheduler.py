"""The scheduler: one declared job list, idempotent registration, no DST skips or doubles."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from marketplace.reporting import scheduler

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def fire_times(spec: dict, start: datetime, end: datetime) -> list[datetime]:
    trigger = scheduler.make_trigger(spec)
    times, previous, now = [], None, start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire >= end:
            return times
        times.append(fire)
        previous, now = fire, fire + timedelta(microseconds=1)


@pytest.mark.parametrize("job_id", ["reports", "reminders"])
@pytest.mark.parametrize("sunday", [date(2026, 3, 29), date(2026, 10, 25)])
def test_daily_jobs_fire_once_a_day_across_dst_change(job_id, sunday):
    job = next(j for j in scheduler.JOBS if j.id == job_id)
    start = datetime.combine(sunday - timedelta(days=3), datetime.min.time(), AMSTERDAM)
    end = datetime.combine(sunday + timedelta(days=3), datetime.min.time(), AMSTERDAM)

    times = fire_times(job.trigger, start, end)

    days = [t.astimezone(AMSTERDAM).date() for t in times]
    assert days == [sunday + timedelta(days=n) for n in range(-3, 3)]  # each day exactly once
    assert {t.astimezone(AMSTERDAM).hour for t in times} == {job.trigger["hour"]}
    utc_hours = {t.astimezone(ZoneInfo("UTC")).hour for t in times}
    assert len(utc_hours) == 2  # the wall-clock time holds while the UTC offset changes


def test_a_job_in_the_dst_gap_would_be_at_risk_so_none_is_scheduled_there():
    for job in scheduler.JOBS:
        if job.trigger["type"] == "cron":
            assert job.trigger["hour"] not in (2,), job.id


def test_registering_jobs_twice_is_a_no_op(app):
    sched = BackgroundScheduler(timezone=scheduler.TIMEZONE)
    first = scheduler.register_jobs(sched, app)
    second = scheduler.register_jobs(sched, app)

    assert first == second
    assert sorted(j.id for j in sched.get_jobs()) == sorted(first)
    assert {
        "reports",
        "reminders",
        "mail-outbox",
        "payments-reconcile",
        "exchange-stale",
        "exchange-nightly",
    } <= set(first)
    assert "purge" not in first  # declared, documented as later, not scheduled


def test_each_job_has_a_cli_twin(runner):
    assert "run" in runner.invoke(args=["reports", "--help"]).output
    assert "reminders" in runner.invoke(args=["reports", "--help"]).output
    assert "deliver" in runner.invoke(args=["mail", "--help"]).output
    assert runner.invoke(args=["scheduler", "--help"]).exit_code == 0
    assert "--stale" in runner.invoke(args=["exchange", "refresh", "--help"]).output


def test_every_job_target_resolves():
    for job in scheduler.JOBS:
        assert callable(scheduler.resolve(job.target)), job.id


def test_reports_run_rejects_a_bad_period(runner):
    result = runner.invoke(args=["reports", "run", "--period", "2026-13"])
    assert result.exit_code != 0
    assert "2026-10" in result.output
