"""One webhook view, POST /webhooks/<provider>, for every registered provider; the registry."""

import pytest
from sqlalchemy import select

from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus
from marketplace.donations.providers import PROVIDERS, get_provider
from marketplace.donations.providers.base import InvalidSignature, WebhookTrigger
from marketplace.donations.providers.mollie import MollieProvider
from marketplace.donations.providers.simulator import SimulatorProvider
from marketplace.donations.providers.stripe import StripeProvider
from marketplace.extensions import db
from tests.donations.conftest import configured


def test_registry_holds_each_provider_under_its_own_name():
    registered = {name: provider for name, provider in PROVIDERS.items()}
    assert registered == {
        "mollie": MollieProvider,
        "stripe": StripeProvider,
        "simulator": SimulatorProvider,
    }
    assert all(provider.name == name for name, provider in PROVIDERS.items())


def test_get_provider_builds_the_configured_one(app):
    assert isinstance(get_provider(), SimulatorProvider)
    with configured(app, MOLLIE_API_KEY="test_fakefakefakefakefakefakefakefa"):
        assert isinstance(get_provider("Mollie"), MollieProvider)
    with pytest.raises(RuntimeError, match="Unknown payment provider"):
        get_provider("paypal")


def test_simulator_is_refused_in_production(app):
    with configured(app, IMPACTBEURS_ENV="production"):
        assert not SimulatorProvider.is_configured(app.config)
        with pytest.raises(RuntimeError, match="refused in production"):
            get_provider("simulator")


def test_is_configured_follows_the_keys():
    assert MollieProvider.is_configured({"MOLLIE_API_KEY": "test_x"})
    assert not MollieProvider.is_configured({})
    assert StripeProvider.is_configured({"STRIPE_SECRET_KEY": "sk_test_x"})
    assert not StripeProvider.is_configured({"STRIPE_SECRET_KEY": ""})
    assert SimulatorProvider.is_configured({})


def test_mollie_parse_webhook_takes_only_a_payment_id(app, mollie):
    provider = get_provider("mollie")
    assert provider.parse_webhook(b"", {"id": "tr_abc"}, {}) == [WebhookTrigger("tr_abc")]
    assert provider.parse_webhook(b"", {"id": "cs_abc"}, {}) == []
    assert provider.parse_webhook(b"", {}, {}) == []


def test_stripe_parse_webhook_verifies_the_signature(app, stripe_fake):
    with pytest.raises(InvalidSignature):
        get_provider("stripe").parse_webhook(b"{}", {}, {"Stripe-Signature": "t=1,v1=bad"})


def test_unknown_provider_is_404_json(client):
    response = client.post("/webhooks/paypal", data={"id": "x"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == 404 and set(body) == {"code", "status", "message", "errors"}


def test_mollie_not_configured_answers_200_not_received(app, client):
    with configured(app, MOLLIE_API_KEY=""):
        response = client.post("/webhooks/mollie", data={"id": "tr_abc"})
    assert response.status_code == 200
    assert response.get_json() == {"received": False}


def test_provider_unreachable_is_503(client, give, mollie):
    response = give("25.00")
    assert response.status_code == 303
    contribution = db.session.scalars(select(Contribution)).one()
    mollie.pay(contribution.provider_payment_id)
    mollie.fail_next(1, status=503, method="GET", path="/v2/payments/")
    response = client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    assert response.status_code == 503
    assert response.get_json()["code"] == 503
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.OPEN
    # The provider's retry then applies it.
    response = client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    assert response.status_code == 200
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID


def test_simulator_goes_through_the_same_view(client, give):
    checkout = give("25.00").headers["Location"]
    payment_id = checkout.rsplit("/", 1)[-1]
    get_provider("simulator").choose(payment_id, "paid")
    response = client.post("/webhooks/simulator", data={"id": payment_id})
    assert response.status_code == 200 and response.get_json() == {"received": True}
    contribution = db.session.scalars(select(Contribution)).one()
    assert contribution.status == ContributionStatus.PAID
    assert db.session.query(ContributionEvent).count() == 1
    # An id it does not know changes nothing and still answers 200.
    assert client.post("/webhooks/simulator", data={"id": "sim_nope"}).status_code == 200


def test_simulator_webhook_refused_in_production(app, client):
    with configured(app, IMPACTBEURS_ENV="production"):
        response = client.post("/webhooks/simulator", data={"id": "sim_x"})
    assert response.status_code == 200
    assert response.get_json() == {"received": False}
