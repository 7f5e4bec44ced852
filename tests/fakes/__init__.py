"""Local HTTP fakes of the Mollie v2 and Stripe v1 APIs for tests.

The real client libraries talk HTTP to them::

    from tests.fakes import fake_mollie, fake_stripe, mollie_client, stripe_client

    with fake_mollie() as mollie:          # FakeMollie on http://127.0.0.1:<free port>
        client = mollie_client(mollie)     # mollie Client with set_api_endpoint(mollie.url)

    with fake_stripe() as stripe_fake:     # FakeStripe; stripe.api_base = stripe_fake.url
        client = stripe_client(stripe_fake)
"""

from .mollie import FakeMollie, MollieError, fake_mollie, mollie_client
from .server import FakeServer, FakeService, RecordedRequest
from .stripe_api import (
    DEFAULT_API_VERSION,
    FakeStripe,
    StripeError,
    fake_stripe,
    make_event,
    signed_event,
    stripe_client,
)

__all__ = [
    "DEFAULT_API_VERSION",
    "FakeMollie",
    "FakeServer",
    "FakeService",
    "FakeStripe",
    "MollieError",
    "RecordedRequest",
    "StripeError",
    "fake_mollie",
    "fake_stripe",
    "make_event",
    "mollie_client",
    "signed_event",
    "stripe_client",
]
