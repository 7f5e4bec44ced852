"""Never more sign-ups than places: 20 people ask for the last place of a task at the same
moment; the task's row lock gives it to one, the other 19 wait. PostgreSQL (real row locks,
real commits from 20 threads)."""

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.services import create_api_token
from marketplace.extensions import db
from marketplace.timeutil import utcnow
from marketplace.volunteering import signups, tasks
from marketplace.volunteering.models import Signup, SignupStatus

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) for real row locks",
)


@pytest.mark.committed_db
def test_twenty_concurrent_sign_ups_for_the_last_place(app, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner=owner)
    task = tasks.create_task(
        owner,
        {
            "initiative_id": initiative.id, "title": "Laatste plek", "postcode": "3511 AB",
            "starts_at": utcnow() + timedelta(days=5), "duration_minutes": 60, "capacity": 3,
        },
    )  # fmt: skip
    for _ in range(2):
        signups.sign_up(task.id, make_user())  # one place left
    people = [make_user() for _ in range(20)]
    tokens = [create_api_token(person, "race")[1] for person in people]
    task_id = task.id
    db.session.remove()

    barrier = threading.Barrier(20)
    answers: list[tuple[int, str]] = []

    def sign_up(token: str) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/tasks/{task_id}/signups", headers={"Authorization": f"Bearer {token}"}
            )
            answers.append((response.status_code, response.json["status"]))
            db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(t,), daemon=True) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(answers) == [(201, "signed_up")] + [(201, "waitlisted")] * 19
    taken = db.session.scalar(
        select(func.count()).where(
            Signup.task_id == task_id, Signup.status == SignupStatus.SIGNED_UP
        )
    )
    assert taken == 3
