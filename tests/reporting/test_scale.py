"""No query of a report run grows with the number of recipients.

PostgreSQL refuses a statement with more than 65,535 bound parameters; the monthly run once sent
every recipient's id in one IN list and failed at 100,000 funders. Here every statement of a run
is recorded (`before_cursor_execute`), and a run with a few recipients and one with many more than
the batch size must bind the same largest number of parameters.
"""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from marketplace.extensions import db
from marketplace.organisations.models import MemberRole, Membership
from marketplace.organisations.services import create_organisation
from marketplace.reporting import pdf, preferences, reminders, runs
from tests.reporting.conftest import at, declare

BATCH = 5
POSTGRESQL_LIMIT = 65_535


@contextmanager
def bound_parameters():
    """Yields a list that collects (number of bound parameters, SQL) of every statement run."""
    seen: list[tuple[int, str]] = []

    def record(_connection, _cursor, statement, parameters, _context, executemany):
        for row in parameters if executemany else [parameters]:
            seen.append((len(row or ()), statement))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def largest(seen: list[tuple[int, str]]) -> int:
    return max(count for count, _statement in seen)


def describe(seen: list[tuple[int, str]]) -> str:
    top = sorted(seen, key=lambda item: item[0], reverse=True)[:3]
    return "\n".join(f"{count}: {' '.join(statement.split())[:300]}" for count, statement in top)


@pytest.fixture
def cheap_reports(app, monkeypatch):
    """Small preference batches, serial building, and a stand-in PDF (this is about queries)."""
    monkeypatch.setattr(preferences, "PREFERENCE_BATCH", BATCH)
    monkeypatch.setitem(app.config, "REPORT_BUILD_WORKERS", 1)
    monkeypatch.setattr(pdf, "render", lambda html: b"%PDF-1.7 stand-in")


def add_recipients(count, initiative, make_user, pay, paid_at):
    """`count` donors who each gave, and an organisation of `count` members that gave."""
    for _ in range(count):
        pay(make_user(), initiative, 1000, paid_at)
    members = [make_user() for _ in range(count)]
    organisation = create_organisation(members[0], f"Fonds {members[0].id}")
    for member in members[1:]:
        db.session.add(
            Membership(organisation_id=organisation.id, user_id=member.id, role=MemberRole.VIEWER)
        )
    db.session.commit()
    pay(members[0], initiative, 5000, paid_at, organisation_id=organisation.id)


def test_a_report_run_binds_as_many_parameters_for_many_recipients_as_for_few(
    app, cheap_reports, make_user, make_initiative, pay
):
    initiative = make_initiative()
    add_recipients(2, initiative, make_user, pay, at(2026, 10, 3))
    with bound_parameters() as few:
        first = runs.run_due_reports("2026-10", now=at(2026, 11, 1, 6))
    many_recipients = 8 * BATCH
    add_recipients(many_recipients, initiative, make_user, pay, at(2026, 11, 3))
    with bound_parameters() as many:
        second = runs.run_due_reports("2026-11", now=at(2026, 12, 1, 6))

    assert (first.failed, second.failed) == (0, 0)
    assert first.mails == 2 + 2 + 1  # donors, members, the initiative's owner
    assert second.mails == 2 * (2 + many_recipients) + 1
    assert largest(many) == largest(few), describe(many)
    assert largest(many) < many_recipients < POSTGRESQL_LIMIT


def test_reminders_bind_as_many_parameters_for_many_initiatives_as_for_one(
    app, make_user, make_initiative
):
    def reminders_for(count: int) -> list[tuple[int, str]]:
        for _ in range(count):
            declare(make_initiative(), at(2026, 5, 1))
        with bound_parameters() as seen:
            assert reminders.send_reminders(now=at(2026, 10, 24)) == count
        return seen

    one = reminders_for(1)
    many = reminders_for(30)  # and the first, already reminded: 31 initiatives looked at

    assert largest(many) == largest(one), describe(many)
