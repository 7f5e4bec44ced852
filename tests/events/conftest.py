"""Fixtures for events: an initiative with its owner, an admin, events made through the service."""

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
    return make_initiative(owner=owner, name="Buurthuis De Ster")


def event_fields(**changes) -> dict:
    start = utcnow() + timedelta(days=7)
    fields = {
        "title": "Café-debat over zonnedaken",
        "kind": "cafe_debate",
        "description": "Praat mee.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "postcode": "3511 AB",
        "online_url": "",
        "capacity": 2,
    }
    fields.update(changes)
    return fields


@pytest.fixture
def make_event(owner, initiative):
    def factory(organiser=None, **changes):
        data = event_fields(**changes)
        data.setdefault("initiative_id", initiative.id if organiser is None else None)
        return events.create_event(organiser or owner, data)

    return factory
