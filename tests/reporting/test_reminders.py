"""Outcome report reminders: when due, a week after the due date, once each."""

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.mail.models import MailMessage
from marketplace.reporting import reminders
from marketplace.reporting.preferences import update_preference
from tests.reporting.conftest import at, declare


def mails_to(user) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.to == user.email)))


def test_due_and_overdue_reminders_are_sent_once_each(app, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner=owner, name="Herinner Mij")
    declare(initiative, at(2026, 5, 1))
    # Q3 2026 ends 30 Sep; due 30 days later (30 Oct): reminder from 23 Oct, overdue from 6 Nov.
    assert reminders.send_reminders(now=at(2026, 10, 20)) == 0
    assert reminders.send_reminders(now=at(2026, 10, 24)) == 1
    assert reminders.send_reminders(now=at(2026, 10, 25)) == 0
    assert reminders.send_reminders(now=at(2026, 11, 6)) == 1
    assert reminders.send_reminders(now=at(2026, 11, 7)) == 0

    subjects = [m.subject for m in mails_to(owner)]
    assert len(subjects) == 2
    assert all("Herinner Mij" in s for s in subjects)
    assert all(
        m.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mails_to(owner)
    )


def test_no_reminder_when_reminders_are_off(app, make_user, make_initiative):
    owner = make_user()
    declare(make_initiative(owner=owner), at(2026, 5, 1))
    update_preference(owner, "monthly", False)

    reminders.send_reminders(now=at(2026, 10, 24))

    assert mails_to(owner) == []


def test_no_reminder_for_initiatives_without_declared_outcomes(app, make_user, make_initiative):
    owner = make_user()
    make_initiative(owner=owner)
    reminders.send_reminders(now=at(2026, 10, 24))
    assert (
        db.session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.to == owner.email)
        )
        == 0
    )
