from datetime import timedelta

import pytest

from marketplace.impact.catalog import import_catalog
from marketplace.timeutil import utcnow


@pytest.fixture(autouse=True)
def catalog(app):
    """The shipped metric catalog, as `db upgrade` loads it: hours are valued with its
    `volunteer_hour` proxy (€ 18.80)."""
    import_catalog()


@pytest.fixture
def owner(make_user):
    return make_user(name="Eigenaar")


@pytest.fixture
def initiative(make_initiative, owner):
    return make_initiative(owner=owner)


@pytest.fixture
def post_task(client, auth_headers, owner, initiative):
    """POST /api/v1/tasks as the owner; returns the response."""

    def post(**fields):
        body = {
            "initiative_id": initiative.id,
            "title": "Moestuin wieden",
            "description": "Samen **wieden**.",
            "postcode": "3511 AB",
            "starts_at": (utcnow() + timedelta(days=3)).isoformat(),
            "duration_minutes": 120,
            "capacity": 2,
        }
        body.update(fields)
        return client.post("/api/v1/tasks", json=body, headers=auth_headers(owner))

    return post
