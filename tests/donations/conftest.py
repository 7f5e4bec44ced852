"""Fixtures for the donations tests: a donor, an initiative, providers pointed at the fakes."""

import contextlib

import pytest

from tests.fakes import fake_mollie, fake_stripe

STRIPE_SECRET = "whsec_test_secret"


@pytest.fixture
def donor(make_user):
    return make_user(name="Daan Donor")


@pytest.fixture
def initiative(make_initiative):
    return make_initiative(name="Buurtmoestuin", funding_goal_cents=100000)


@contextlib.contextmanager
def configured(app, **values):
    """Temporarily change app config (the app fixture is session-wide)."""
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.fixture
def mollie(app):
    """The Mollie fake, with the app configured to use it."""
    with (
        fake_mollie() as fake,
        configured(
            app,
            PAYMENT_PROVIDER="mollie",
            MOLLIE_API_KEY="test_fakefakefakefakefakefakefakefa",
            MOLLIE_API_ENDPOINT=fake.url,
            PAYMENT_HTTP_TIMEOUT=2.0,
        ),
    ):
        yield fake


@pytest.fixture
def stripe_fake(app):
    """The Stripe fake, with the app configured to use it."""
    with (
        fake_stripe(webhook_secret=STRIPE_SECRET) as fake,
        configured(
            app,
            PAYMENT_PROVIDER="stripe",
            STRIPE_SECRET_KEY="sk_test_fake",
            STRIPE_WEBHOOK_SECRET=STRIPE_SECRET,
            STRIPE_API_BASE=fake.url,
            PAYMENT_HTTP_TIMEOUT=2.0,
        ),
    ):
        yield fake


@pytest.fixture
def give(client, login, donor, initiative):
    """Log the donor in and post the give form; returns the response."""
    login(donor)

    def post(amount="25.00", **fields):
        data = {"amount": amount, "interval": "once", **fields}
        return client.post(f"/initiatives/{initiative.slug}/give", data=data)

    return post


@pytest.fixture(autouse=True)
def generous_checkout_limit(app):
    """The checkout rate limit is tested on its own; elsewhere it must not interfere."""
    with configured(app, CHECKOUT_RATE_LIMIT="10000 per minute"):
        yield
