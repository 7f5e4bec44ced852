"""Outcome report reminders: when due, a week after the due date, once each."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.impact.models import InitiativeOutcome, Metric, MetricProxy, ValueKind
from marketplace.initiatives.models import Theme
from marketplace.reporting import services
from marketplace.reporting.models import MailMessage
from tests.reporting.conftest import at


def declare(initiative, when):
    metric = Metric(
        code=f"rem_{initiative.id}",
        theme=Theme.CARE,
        name_nl="x",
        name_en="x",
        unit="p",
        value_kind=ValueKind.FISCAL,
    )
    metric.proxies.append(MetricProxy(value=Decimal(1), valid_from=date(2020, 1, 1)))
    db.session.add(
        InitiativeOutcome(
            initiative_id=initiative.id,
            metric=metric,
            deadweight=0,
            displacement=0,
            attribution=0,
            drop_off=0,
            duration_years=1,
            created_at=when,
        )
    )
    db.session.commit()


def mails_to(user) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.to == user.email)))


def test_due_and_overdue_reminders_are_sent_once_each(app, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner=owner, name="Herinner Mij")
    declare(initiative, at(2026, 5, 1))
    # Q3 2026 ends 30 Sep; due 30 days later (30 Oct): reminder from 23 Oct, overdue from 6 Nov.
    assert services.send_reminders(now=at(2026, 10, 20)) == 0
    assert services.send_reminders(now=at(2026, 10, 24)) == 1
    assert services.send_reminders(now=at(2026, 10, 25)) == 0
    assert services.send_reminders(now=at(2026, 11, 6)) == 1
    assert services.send_reminders(now=at(2026, 11, 7)) == 0

    subjects = [m.subject for m in mails_to(owner)]
    assert len(subjects) == 2
    assert all("Herinner Mij" in s for s in subjects)
    assert all(
        m.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mails_to(owner)
    )


def test_no_reminder_when_reminders_are_off(app, make_user, make_initiative):
    owner = make_user()
    declare(make_initiative(owner=owner), at(2026, 5, 1))
    services.update_preference(owner, "monthly", False)

    services.send_reminders(now=at(2026, 10, 24))

    assert mails_to(owner) == []


def test_no_reminder_for_initiatives_without_declared_outcomes(app, make_user, make_initiative):
    owner = make_user()
    make_initiative(owner=owner)
    services.send_reminders(now=at(2026, 10, 24))
    assert (
        db.session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.to == owner.email)
        )
        == 0
    )
