"""Local HTTP fakes of the Mollie v2 and Stripe v1 APIs and of PDOK Locatieserver for tests.

The real client libraries talk HTTP to them::

    from tests.fakes import fake_mollie, fake_stripe, mollie_client, stripe_client

    with fake_mollie() as mollie:          # FakeMollie on http://127.0.0.1:<free port>
        client = mollie_client(mollie)     # mollie Client with set_api_endpoint(mollie.url)

    with fake_stripe() as stripe_fake:     # FakeStripe; stripe.api_base = stripe_fake.url
        client = stripe_client(stripe_fake)

    with fake_pdok() as pdok:              # FakePdok; GEOCODER_URL = pdok.api_url
        pdok.add_postcode("3511AB", 52.09, 5.12, woonplaats="Utrecht")
"""

from .mollie import FakeMollie, MollieError, fake_mollie, mollie_client
from .pdok import FakePdok, fake_pdok
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
    "FakePdok",
    "FakeServer",
    "FakeService",
    "FakeStripe",
    "MollieError",
    "RecordedRequest",
    "StripeError",
    "fake_mollie",
    "fake_pdok",
    "fake_stripe",
    "make_event",
    "mollie_client",
    "signed_event",
    "stripe_client",
]
