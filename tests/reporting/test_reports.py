"""Impact reports: built once per owner and period, mailed with the PDF, honouring preferences."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.mail import deliver_due_mail
from marketplace.mail.models import MailMessage
from marketplace.mail.outbox import deliver_messages
from marketplace.organisations.models import MemberRole, Membership
from marketplace.organisations.services import create_organisation
from marketplace.reporting import periods, preferences, runs
from marketplace.reporting.models import Report, ReportState
from marketplace.reporting.preferences import unsubscribe, unsubscribe_token, update_preference
from tests.reporting.conftest import at

PERIOD = "2026-10"


def report_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def pdf_attachment(message):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    return parts[0].get_content()


def test_monthly_report_is_mailed_with_pdf_and_archived(
    app, smtp, make_user, make_initiative, pay, accepted_outcome
):
    donor = make_user(name="Donor Dees", locale="en")
    preferences.update_preference(donor, "monthly", True, pdf_attached=True)
    owner = make_user()
    initiative = make_initiative(owner=owner, name="Buurtkracht Zuid")
    pay(donor, initiative, 10000, at(2026, 9, 20))
    pay(donor, initiative, 5000, at(2026, 10, 5))
    accepted_outcome(
        initiative,
        owner,
        6,
        at(2026, 7, 1).date(),
        at(2026, 9, 30).date(),
        reviewed_at=at(2026, 10, 12),
    )

    result = runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))
    delivered = deliver_due_mail()

    assert result.failed == 0
    assert delivered.sent == result.mails
    to_donor = [m for m in smtp.messages if m["To"] == donor.email]
    assert len(to_donor) == 1
    message = to_donor[0]
    assert message["Subject"] == "Impact report October 2026"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/impact-reports/unsubscribe/" in message["List-Unsubscribe"]
    html = message.get_body(("html",)).get_content()
    assert "Buurtkracht Zuid" in html
    assert "<svg" in html
    assert "€50.00" in html  # given in October
    assert "€150.00" in html  # given in total
    assert "Lonely elderly reached" in html  # highlight: accepted in October
    assert "Evidence level 2 of 5" in html
    pdf = pdf_attachment(message)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    report = db.session.scalar(
        select(Report).where(Report.owner_type == "user", Report.owner_id == donor.id)
    )
    assert report.status == ReportState.SENT
    assert report.pdf.startswith(b"%PDF")
    assert "Buurtkracht Zuid" in report.html
    # the initiative's owners get their own report on the same run
    to_owner = [m for m in smtp.messages if m["To"] == owner.email]
    assert len(to_owner) == 1
    assert "Buurtkracht Zuid" in to_owner[0].get_body(("html",)).get_content()


def test_second_run_for_the_same_period_sends_nothing(app, smtp, make_user, make_initiative, pay):
    donor = make_user()
    initiative = make_initiative()
    pay(donor, initiative, 2500, at(2026, 10, 3))
    runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))
    deliver_due_mail()
    first = len(smtp.messages)
    reports = report_count()

    again = runs.run_due_reports(PERIOD, now=at(2026, 11, 2, 6))
    deliver_due_mail()

    assert again.built == 0
    assert len(smtp.messages) == first
    assert report_count() == reports


def test_unsubscribed_recipient_gets_nothing(app, smtp, make_user, make_initiative, pay):
    donor = make_user()
    pay(donor, make_initiative(), 2500, at(2026, 10, 3))
    unsubscribe(unsubscribe_token(donor, "reports"))

    runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))
    deliver_due_mail()

    assert [m for m in smtp.messages if m["To"] == donor.email] == []
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.owner_id == donor.id, Report.owner_type == "user")
        )
        == 0
    )


def test_quarterly_recipient_gets_the_quarter_not_the_month(
    app, smtp, make_user, make_initiative, pay
):
    donor = make_user()
    pay(donor, make_initiative(), 2500, at(2026, 11, 3))
    update_preference(donor, "quarterly", True)

    runs.run_due_reports("2026-11", now=at(2026, 12, 1, 6))
    deliver_due_mail()
    assert [m for m in smtp.messages if m["To"] == donor.email] == []

    runs.run_due_reports("2026-12", now=at(2027, 1, 1, 6))
    deliver_due_mail()
    mails = [m for m in smtp.messages if m["To"] == donor.email]
    assert len(mails) == 1
    assert mails[0]["Subject"].endswith("4 2026")  # Q4 / K4


class Crash(BaseException):
    """Stands in for the process dying (not caught like an ordinary error)."""


def test_crash_between_building_and_sending_is_finished_by_next_run(
    app, smtp, make_user, make_initiative, pay, monkeypatch
):
    donor = make_user()
    pay(donor, make_initiative(), 2500, at(2026, 10, 3))
    now = at(2026, 11, 1, 6)
    crashing = {"on": True}

    def crash(report_id):
        if crashing["on"]:
            raise Crash()

    def queued_for_donor() -> int:
        return db.session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.to == donor.email)
        )

    monkeypatch.setattr(runs, "after_build", crash)
    with pytest.raises(Crash):
        runs.run_due_reports(PERIOD, now=now)
    db.session.rollback()
    crashing["on"] = False
    assert queued_for_donor() == 0

    # Within the lease the claim is respected (another runner may still be busy) ...
    runs.run_due_reports(PERIOD, now=now + timedelta(minutes=5))
    assert queued_for_donor() == 0
    # ... after it, the next run takes the claim over and finishes the job, once.
    runs.run_due_reports(PERIOD, now=now + timedelta(minutes=20))
    runs.run_due_reports(PERIOD, now=now + timedelta(minutes=40))
    deliver_due_mail()
    deliver_due_mail()

    assert len([m for m in smtp.messages if m["To"] == donor.email]) == 1
    report = db.session.scalar(
        select(Report).where(Report.owner_type == "user", Report.owner_id == donor.id)
    )
    assert report.status == ReportState.SENT
    assert report.attempts == 2


def test_crash_after_queueing_is_delivered_once(app, smtp, make_user, make_initiative, pay):
    donor = make_user()
    pay(donor, make_initiative(), 2500, at(2026, 10, 3))
    runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))  # ... and the process dies here

    runs.run_due_reports(PERIOD, now=at(2026, 11, 2, 6))
    deliver_due_mail()
    deliver_due_mail()

    assert len([m for m in smtp.messages if m["To"] == donor.email]) == 1


def test_period_must_be_a_month_or_quarter():
    from marketplace.errors import InvalidInput

    with pytest.raises(InvalidInput):
        periods.parse_period("2026-13")
    assert [p.key for p in periods.parse_period("2026-12")] == ["2026-12", "2026-Q4"]
    assert [p.key for p in periods.parse_period("2026-q3")] == ["2026-Q3"]


def test_reports_run_rejects_a_bad_period(runner):
    result = runner.invoke(args=["reports", "run", "--period", "2026-13"])
    assert result.exit_code != 0
    assert "2026-10" in result.output


def test_a_report_is_sent_when_the_last_of_its_mails_is_delivered(
    app, make_user, make_initiative, pay
):
    owner, colleague = make_user(), make_user()
    organisation = create_organisation(owner, "Fonds Twee")
    db.session.add(
        Membership(organisation_id=organisation.id, user_id=colleague.id, role=MemberRole.VIEWER)
    )
    db.session.commit()
    pay(owner, make_initiative(), 2500, at(2026, 10, 3), organisation_id=organisation.id)
    runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))
    report = db.session.scalar(select(Report).where(Report.owner_type == "organisation"))
    mails = select(MailMessage.id).where(MailMessage.report_id == report.id)
    first, _second = db.session.scalars(mails.order_by(MailMessage.id)).all()

    deliver_messages([first])  # the first member's
    sent = select(MailMessage.report_id).where(MailMessage.status == "sent")
    assert db.session.scalars(sent).all() == [report.id]
    db.session.refresh(report)
    still_built = report.status
    deliver_due_mail()
    db.session.refresh(report)

    assert still_built == ReportState.BUILT
    assert report.status == ReportState.SENT
    assert report.sent_at is not None


def test_by_default_the_mail_links_the_pdf_which_is_made_on_first_download(
    app, client, smtp, make_user, make_initiative, pay, login
):
    donor = make_user(name="Lina Link", locale="nl")
    pay(donor, make_initiative(name="Buurtkracht Noord"), 2500, at(2026, 10, 5))

    result = runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))
    deliver_due_mail()

    assert result.failed == 0
    message = next(m for m in smtp.messages if m["To"] == donor.email)
    assert not [part for part in message.iter_attachments()]
    report = db.session.scalar(
        select(Report).where(Report.owner_type == "user", Report.owner_id == donor.id)
    )
    assert report.pdf is None  # not made by the run
    text = message.get_body(("plain",)).get_content()
    assert f"/impact-reports/{report.id}/pdf" in text
    assert f"/impact-reports/{report.id}/pdf" in message.get_body(("html",)).get_content()

    login(donor)
    first = client.get(f"/impact-reports/{report.id}/pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    db.session.expire_all()
    stored = db.session.get(Report, report.id).pdf
    assert stored == first.data  # kept: the next download is the same document
    assert client.get(f"/impact-reports/{report.id}/pdf").data == stored
    assert client.get(f"/impact-reports/{report.id + 999}/pdf").status_code == 404
