"""The retention purge: erased persons' gifts go once their fiscal retention ended (and the figures
follow), log-ins and sent mail after their periods; the retention text comes from the settings."""

from datetime import UTC, datetime, timedelta

from flask import render_template
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.donations.models import Contribution, ContributionEvent
from marketplace.extensions import db
from marketplace.figures.read import raised_cents
from marketplace.mail.models import MailMessage, MailStatus
from marketplace.privacy.erasure import erase_person
from marketplace.privacy.models import LoginRecord
from marketplace.privacy.purge import fiscal_cutoff, purge_expired_data
from marketplace.timeutil import utcnow
from tests.conftest import TEST_PASSWORD
from tests.donations.conftest import configured
from tests.gifts import paid_gift
from tests.privacy.conftest import long_ago


def test_the_fiscal_cutoff_is_the_start_of_the_year_seven_years_back():
    now = datetime(2033, 3, 5, 12, tzinfo=UTC)
    assert fiscal_cutoff(now, 7).year == 2026 and fiscal_cutoff(now, 7).month == 1
    # A gift of 31 December 2025 is kept through 2032 and goes in 2033.
    assert datetime(2025, 12, 31, 12, tzinfo=UTC) < fiscal_cutoff(now, 7)


def test_erased_persons_old_gifts_are_purged_and_the_figures_follow(person, initiative, make_user):
    old = paid_gift(initiative, 4000, long_ago(8), user=person)
    recent = paid_gift(initiative, 1500, long_ago(1), user=person)
    others = paid_gift(initiative, 700, long_ago(9), user=make_user())
    old_id, recent_id, others_id = old.id, recent.id, others.id
    assert raised_cents(initiative.id) == 6200
    purge_expired_data()
    assert db.session.get(Contribution, old_id) is not None  # not erased: kept as long as needed

    erase_person(person, person, TEST_PASSWORD)
    report = purge_expired_data()
    assert report.counts["donations"] == 1
    assert db.session.get(Contribution, old_id) is None
    assert (
        db.session.scalars(
            select(ContributionEvent).where(ContributionEvent.contribution_id == old_id)
        ).all()
        == []
    )
    assert db.session.get(Contribution, recent_id) is not None  # still within its retention
    assert db.session.get(Contribution, others_id) is not None  # someone who did not ask
    assert raised_cents(initiative.id) == 2200
    assert purge_expired_data().counts["donations"] == 0  # idempotent


def test_log_ins_and_sent_mail_go_after_their_periods(app, person):
    now = utcnow()
    db.session.add_all(
        [
            LoginRecord(user_id=person.id, at=now - timedelta(days=200)),
            LoginRecord(user_id=person.id, at=now - timedelta(days=10)),
            MailMessage(
                to=person.email,
                subject="old",
                text="x",
                message_id="<a@x>",
                status=MailStatus.SENT,
                created_at=now - timedelta(days=100),
            ),  # fmt: skip
            MailMessage(
                to=person.email,
                subject="queued",
                text="x",
                message_id="<b@x>",
                status=MailStatus.QUEUED,
                created_at=now - timedelta(days=100),
            ),  # fmt: skip
        ]
    )
    db.session.commit()
    report = purge_expired_data()
    assert (report.counts["logins"], report.counts["mail"]) == (1, 1)
    assert db.session.query(LoginRecord).count() == 1
    assert db.session.scalars(select(MailMessage.subject)).all() == ["queued"]


def test_the_cli_twin_runs_the_same_purge(runner, person):
    db.session.add(LoginRecord(user_id=person.id, at=utcnow() - timedelta(days=400)))
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "logins 1" in result.output


def test_the_retention_text_names_the_settings(app):
    with (
        configured(app, RETENTION_FISCAL_YEARS=10, RETENTION_LOGIN_DAYS=30),
        app.test_request_context("/?lang=en"),
    ):
        html = render_template("privacy/_retention.html")
    assert "10 years after the end of the year of the gift" in html or "10 jaar" in html
    assert "30 days" in html or "30 dagen" in html


def test_log_ins_are_recorded_with_how(browser, make_user):
    user = make_user()
    browser(user)
    record = db.session.scalars(select(LoginRecord).where(LoginRecord.user_id == user.id)).one()
    assert record.method == "password" and record.ip_address == "127.0.0.1"


def test_the_pseudonym_goes_once_nothing_points_at_it(app, person, initiative):
    paid_gift(initiative, 1000, long_ago(1), user=person)
    erase_person(person, person, TEST_PASSWORD)
    later = utcnow() + timedelta(days=800)
    assert purge_expired_data(now=later).counts["accounts"] == 0  # its gift is still kept
    assert db.session.get(User, person.id) is not None
    with configured(app, RETENTION_FISCAL_YEARS=0):  # the gift has done its time too
        report = purge_expired_data(now=later)
    assert (report.counts["donations"], report.counts["accounts"]) == (1, 1)
    assert db.session.get(User, person.id) is None


def test_the_privacy_statement_names_the_retention_periods(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert 'data-testid="retention-periods"' in page and "7 jaar" in page
