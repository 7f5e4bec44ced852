"""Fixtures for reviews: an initiative with its owner, an admin, a past and an upcoming event."""

from datetime import timedelta

import pytest

from marketplace.accounts.models import Role
from marketplace.events import events
from marketplace.timeutil import utcnow


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


@pytest.fixture
def admin(make_user):
    return make_user(name="Ada Admin", role=Role.ADMIN)


@pytest.fixture
def initiative(make_initiative, owner):
    return make_initiative(owner=owner, name="Repair Café Oost")


def _event(owner, initiative, days: int):
    start = utcnow() + timedelta(days=days)
    return events.create_event(
        owner,
        {
            "title": "Repareren en praten",
            "kind": "meetup",
            "starts_at": start,
            "ends_at": start + timedelta(hours=3),
            "postcode": "3511",
            "capacity": 20,
            "initiative_id": initiative.id,
        },
    )


@pytest.fixture
def past_event(owner, initiative):
    return _event(owner, initiative, -3)


@pytest.fixture
def future_event(owner, initiative):
    return _event(owner, initiative, 5)
