"""Two scheduler runs racing on PostgreSQL: one report and one mail per recipient."""

import os
import threading

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.mail import deliver_due_mail
from marketplace.mail.models import MailMessage
from marketplace.reporting.models import Report
from marketplace.reporting.runs import run_due_reports
from tests.reporting.conftest import at

pytestmark = [
    pytest.mark.committed_db,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (TEST_DATABASE_URL)",
    ),
]


def test_two_racing_runs_send_one_report_per_recipient(app, smtp, make_user, make_initiative, pay):
    donors = [make_user() for _ in range(4)]
    initiatives = [make_initiative() for _ in range(2)]
    for index, donor in enumerate(donors):
        pay(donor, initiatives[index % 2], 1000 * (index + 1), at(2026, 10, 3 + index))
    recipients = {d.email for d in donors} | {i.owners[0].email for i in initiatives}
    db.session.remove()
    barrier = threading.Barrier(2)
    errors = []

    def scheduler_run():
        try:
            with app.app_context():
                barrier.wait()
                run_due_reports("2026-10", now=at(2026, 11, 1, 6))
                deliver_due_mail()
                db.session.remove()
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=scheduler_run, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not any(thread.is_alive() for thread in threads), "a scheduler run did not finish"
    assert errors == []
    received = sorted(m["To"] for m in smtp.messages)
    assert received == sorted(recipients)  # each exactly once
    assert db.session.scalar(select(func.count()).select_from(Report)) == len(recipients)
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == len(recipients)
