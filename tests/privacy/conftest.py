"""Fixtures for privacy: a person with data in every domain, browsers, zips read back."""

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest

from marketplace.accounts.services import create_api_token
from marketplace.community.models import Follow, SubjectType
from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.organisations.models import MemberRole, Membership, Organisation
from marketplace.reporting.models import Cadence, ReportPreference
from tests.conftest import TEST_PASSWORD
from tests.gifts import paid_gift


@pytest.fixture
def person(make_user):
    return make_user(name="Petra Privé", email="petra@example.org")


@pytest.fixture
def initiative(make_initiative):
    return make_initiative(name="Repair Café")


@pytest.fixture
def browser(app):
    def open_as(user, password=TEST_PASSWORD):
        client = app.test_client()
        response = client.post("/account/login", data={"email": user.email, "password": password})
        assert response.status_code == 302
        return client

    return open_as


@pytest.fixture
def rich_person(person, initiative):
    """The person with a paid gift, an unpaid one, a membership, a token, preferences, a watch."""
    paid = paid_gift(initiative, 2500, date(2026, 3, 1), user=person)
    paid.message = "Voor de buurt, van Petra"
    unpaid = Contribution(
        initiative_id=initiative.id, user_id=person.id, amount_cents=1000, provider="simulator",
        donor_name=person.name, donor_email=person.email, message="nooit betaald",
    )  # fmt: skip
    organisation = Organisation(name="Fonds Oost", slug="fonds-oost")
    db.session.add_all([unpaid, organisation])
    db.session.flush()
    db.session.add_all(
        [
            Membership(organisation_id=organisation.id, user_id=person.id, role=MemberRole.OWNER),
            ReportPreference(user_id=person.id, cadence=Cadence.QUARTERLY, reminders=False),
            Follow(
                user_id=person.id,
                created_by_id=person.id,
                subject_type=SubjectType.INITIATIVE,
                subject_key=str(initiative.id),
                initiative_id=initiative.id,
            ),
        ]
    )
    db.session.commit()
    create_api_token(person, "laptop")
    return person, paid, db.session.get(Contribution, unpaid.id)


def read_zip(data: bytes) -> dict[str, object]:
    """{name: parsed JSON, or the text of a CSV/README} of an export."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: json.loads(archive.read(name))
            if name.endswith(".json")
            else archive.read(name).decode()  # fmt: skip
            for name in archive.namelist()
        }


def long_ago(years: int) -> datetime:
    return datetime(datetime.now(UTC).year - years, 6, 1, 12, tzinfo=UTC)
