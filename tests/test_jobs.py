"""The scheduled jobs: one list of direct references, idempotent registration, no DST skips."""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from marketplace import jobs
from marketplace.mail.outbox import deliver_due_mail
from marketplace.reporting.reminders import send_reminders
from marketplace.reporting.runs import run_due_reports

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EVERY_MINUTE = {"type": "interval", "minutes": 1}


def fire_times(spec: dict, start: datetime, end: datetime) -> list[datetime]:
    trigger = jobs.make_trigger(spec)
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
    job = jobs.JOBS_BY_ID[job_id]
    start = datetime.combine(sunday - timedelta(days=3), datetime.min.time(), AMSTERDAM)
    end = datetime.combine(sunday + timedelta(days=3), datetime.min.time(), AMSTERDAM)

    times = fire_times(job.trigger, start, end)

    days = [t.astimezone(AMSTERDAM).date() for t in times]
    assert days == [sunday + timedelta(days=n) for n in range(-3, 3)]  # each day exactly once
    assert {t.astimezone(AMSTERDAM).hour for t in times} == {job.trigger["hour"]}
    utc_hours = {t.astimezone(ZoneInfo("UTC")).hour for t in times}
    assert len(utc_hours) == 2  # the wall-clock time holds while the UTC offset changes


def test_a_job_in_the_dst_gap_would_be_at_risk_so_none_is_scheduled_there():
    for job in jobs.JOBS:
        if job.trigger["type"] == "cron":
            assert job.trigger["hour"] not in (2,), job.id


def test_every_job_is_a_direct_reference_to_a_callable():
    for job in jobs.JOBS:
        assert callable(job.func), job.id
        assert not isinstance(job.func, str), job.id
    assert jobs.JOBS_BY_ID["reports"].func is run_due_reports
    assert jobs.JOBS_BY_ID["reminders"].func is send_reminders
    assert jobs.JOBS_BY_ID["mail-outbox"].func is deliver_due_mail
    assert set(jobs.JOBS_BY_ID) == {
        "reports",
        "reminders",
        "payments-reconcile",
        "payouts-transfer",
        "webhooks-inbox",
        "privacy-purge",
        "mail-outbox",
        "exchange-stale",
        "figures-stale",
        "figures-nightly",
        "exchange-nightly",
        "offers-close",
        "offers-late",
        "tasks-remind",
        "community-digest",
    }


@pytest.mark.parametrize(
    "target", ["marketplace.mail.outbox:deliver_due_mail", None, 42], ids=["string", "none", "int"]
)
def test_a_job_that_points_at_no_callable_fails_loudly(target):
    with pytest.raises(TypeError, match="is not callable"):
        jobs.Job("broken", target, EVERY_MINUTE, "A job whose function is gone.")


def test_a_job_with_a_bad_trigger_fails_when_declared():
    with pytest.raises(ValueError, match="unknown trigger type"):
        jobs.Job("broken", deliver_due_mail, {"type": "every-so-often"}, "A bad trigger.")
    with pytest.raises(TypeError):
        jobs.Job("broken", deliver_due_mail, {"type": "cron", "hours": 6}, "A misspelt field.")


def test_two_jobs_with_one_id_fail_loudly():
    job = jobs.Job("twice", deliver_due_mail, EVERY_MINUTE, "Once.")
    with pytest.raises(ValueError, match="share an id"):
        jobs._by_id((job, job))


def test_registering_jobs_twice_is_a_no_op(app):
    scheduler = BackgroundScheduler(timezone=jobs.TIMEZONE)
    first = jobs.register_jobs(scheduler, app)
    second = jobs.register_jobs(scheduler, app)

    assert first == second == [job.id for job in jobs.JOBS]
    assert sorted(j.id for j in scheduler.get_jobs()) == sorted(first)
    assert "purge" not in first  # the empty placeholder is gone until the privacy issue adds one


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(app, caplog):
    calls = []

    def broken():
        calls.append("broken")
        raise RuntimeError("database went away")

    def fine(**kwargs):
        calls.append(kwargs)
        return "ok"

    with caplog.at_level(logging.INFO, logger="marketplace.jobs"):
        jobs.run_job(app, jobs.Job("broken", broken, EVERY_MINUTE, "Raises."))
        jobs.run_job(app, jobs.Job("fine", fine, EVERY_MINUTE, "Works.", kwargs={"x": 1}))

    assert calls == ["broken", {"x": 1}]
    failed = [r for r in caplog.records if r.getMessage() == "job broken failed"]
    assert len(failed) == 1 and failed[0].exc_info[0] is RuntimeError
    assert "job fine: ok" in caplog.messages


def test_each_job_has_a_cli_twin(runner):
    assert "run" in runner.invoke(args=["reports", "--help"]).output
    assert "reminders" in runner.invoke(args=["reports", "--help"]).output
    assert "deliver" in runner.invoke(args=["mail", "--help"]).output
    assert "--stale" in runner.invoke(args=["exchange", "refresh", "--help"]).output
    assert "reconcile" in runner.invoke(args=["payments", "--help"]).output
    assert "webhook-worker" in runner.invoke(args=["payments", "--help"]).output
    assert "close" in runner.invoke(args=["offers", "--help"]).output
    assert "late" in runner.invoke(args=["offers", "--help"]).output
    assert runner.invoke(args=["scheduler", "--help"]).exit_code == 0
