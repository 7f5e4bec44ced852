"""The last place: 20 people RSVP at the same moment for one free place; the event's row lock
lets exactly one through and wait-lists the rest. PostgreSQL (real row locks, real commits)."""

import os
import threading
import time

import pytest
from sqlalchemy import func, select

from marketplace.accounts.services import create_api_token
from marketplace.events import events, rsvps
from marketplace.events.models import Rsvp, RsvpStatus
from marketplace.extensions import db
from tests.events.conftest import event_fields

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) for real row locks",
)


@pytest.mark.committed_db
def test_twenty_concurrent_rsvps_for_the_last_place(app, make_user, admin, monkeypatch):
    event = events.create_event(admin, event_fields(capacity=3))
    for _i in range(2):
        rsvps.rsvp_to_event(make_user(), event.id)  # one place left
    tokens = [create_api_token(make_user(), "race")[1] for _i in range(20)]
    event_id = event.id
    db.session.remove()

    counted = rsvps._going

    def slow_count(event_id: int) -> int:
        found = counted(event_id)
        time.sleep(0.05)  # widen the window between counting and inserting
        return found

    monkeypatch.setattr(rsvps, "_going", slow_count)
    barrier = threading.Barrier(20)
    statuses: list[str] = []

    def rsvp(token: str) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/events/{event_id}/rsvps", headers={"Authorization": f"Bearer {token}"}
            )
            statuses.append(response.json["status"] if response.status_code == 201 else "error")
            db.session.remove()

    threads = [threading.Thread(target=rsvp, args=(t,), daemon=True) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(statuses) == ["going"] + ["waitlisted"] * 19
    going = db.session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.GOING)
    )
    assert going == 3
