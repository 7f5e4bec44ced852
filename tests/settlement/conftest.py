"""Fixtures for settlement: an initiative with its owner, a donor, browsers for both, and the
providers (real clients) pointed at the fakes with Connect configured."""

import pytest

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.donations.conftest import STRIPE_SECRET, configured
from tests.fakes import fake_mollie, fake_stripe

CONNECT_SECRET = "whsec_connect_secret"


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


@pytest.fixture
def donor(make_user):
    return make_user(name="Daan Donor")


@pytest.fixture
def initiative(make_initiative, owner):
    return make_initiative(owner=owner, name="Buurtkeuken")


@pytest.fixture
def browser(app):
    """A new logged-in test client per user (each has its own cookies)."""

    def open_as(user):
        client = app.test_client()
        response = client.post(
            "/account/login", data={"email": user.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
        return client

    return open_as


@pytest.fixture(autouse=True)
def generous_checkout_limit(app):
    with configured(app, CHECKOUT_RATE_LIMIT="10000 per minute"):
        yield


def last_gift() -> Contribution:
    return db.session.query(Contribution).order_by(Contribution.id.desc()).first()


def give(client, initiative, amount="25.00", **fields):
    """The give form, posted; returns the new contribution (the response must redirect)."""
    data = {"amount": amount, "interval": "once", **fields}
    response = client.post(f"/initiatives/{initiative.slug}/give", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return last_gift()


@pytest.fixture
def mollie_connect(app, monkeypatch):
    """The Mollie fake with an OAuth app; OAuth over plain HTTP is allowed for the fake only."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with (
        fake_mollie() as fake,
        configured(
            app,
            PAYMENT_PROVIDER="mollie",
            MOLLIE_API_KEY="test_fakefakefakefakefakefakefakefa",
            MOLLIE_API_ENDPOINT=fake.url,
            MOLLIE_CLIENT_ID=fake.oauth_client_id,
            MOLLIE_CLIENT_SECRET=fake.oauth_client_secret,
            MOLLIE_OAUTH_AUTHORIZE_URL=f"{fake.url}/oauth2/authorize",
            PAYMENT_HTTP_TIMEOUT=2.0,
        ),
    ):
        yield fake


@pytest.fixture
def stripe_connect(app):
    """The Stripe fake; Connect events are signed with their own endpoint's secret."""
    with (
        fake_stripe(webhook_secret=STRIPE_SECRET, connect_webhook_secret=CONNECT_SECRET) as fake,
        configured(
            app,
            PAYMENT_PROVIDER="stripe",
            STRIPE_SECRET_KEY="sk_test_fake",
            STRIPE_WEBHOOK_SECRET=STRIPE_SECRET,
            STRIPE_CONNECT_WEBHOOK_SECRET=CONNECT_SECRET,
            STRIPE_API_BASE=fake.url,
            PAYMENT_HTTP_TIMEOUT=2.0,
        ),
    ):
        yield fake
