"""Subscribing and paying through the same providers as gifts (simulator, Mollie and Stripe
with their real clients against the fakes), the locked idempotent status path, the limits and
the room left, and revoking in the reflection period with the refund through the provider."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.investments.models import (
    EntryKind,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from marketplace.investments.subscribe import revoke_subscription, start_subscription
from marketplace.timeutil import utcnow
from tests.donations.conftest import STRIPE_SECRET, mollie, stripe_fake  # noqa: F401
from tests.fakes import signed_event
from tests.investments.conftest import pay, simulator_refunds, subscribe_paid


def ledger(subscription) -> list[tuple[str, int]]:
    return [
        (e.kind.value, e.amount_cents)
        for e in db.session.scalars(
            select(SubscriptionEvent)
            .where(SubscriptionEvent.subscription_id == subscription.id)
            .order_by(SubscriptionEvent.id)
        )
        if e.kind not in (EntryKind.STATUS,)
    ]


def test_api_subscription_answers_the_issue_fields_and_pays_through_the_simulator(
    client, auth_headers, investor, make_offer
):
    offer = make_offer()
    response = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"amount": "500.00"},
        headers=auth_headers(investor),
    )
    assert response.status_code == 201, response.json
    data = response.json
    assert {"id", "status", "checkout_url", "reflection_ends_at"} <= set(data)
    assert data["status"] == "open"
    assert data["checkout_url"].startswith("http://127.0.0.1:5000/donations/simulator/sim_")
    subscription = db.session.get(Subscription, data["id"])
    assert subscription.reflection_ends_at - subscription.created_at == timedelta(days=4)
    assert subscription.sheet_version == 1

    # The payer chooses "paid" on the simulator's own page: the same path a webhook takes.
    page = client.post(
        f"/donations/simulator/{subscription.provider_payment_id}", data={"outcome": "paid"}
    )
    assert page.status_code == 303
    assert page.headers["Location"].endswith(f"/investments/subscriptions/{subscription.id}/return")
    db.session.refresh(subscription)
    assert subscription.status == SubscriptionStatus.RESERVED
    assert ledger(subscription) == [("payment", 50000)]
    assert db.session.scalar(select(Contribution.id)) is None  # not a gift

    pay(subscription)  # a replayed answer adds nothing
    assert ledger(subscription) == [("payment", 50000)]
    listed = client.get("/api/v1/subscriptions", headers=auth_headers(investor)).json
    assert listed["items"][0]["status"] == "reserved"
    assert listed["items"][0]["checkout_url"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "99.99"}, "amount"),
        ({"amount": "10000.01"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"units": 2}, "units"),
        ({}, "amount"),
    ],
)
def test_amounts_outside_the_limits_are_422(
    client, auth_headers, investor, make_offer, body, field
):
    offer = make_offer()
    response = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"acknowledge_risk": True, **body},
        headers=auth_headers(investor),
    )
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_above_the_room_left_is_422_and_a_failed_payment_gives_room_back(
    client, auth_headers, investor, make_user, make_offer
):
    from tests.investments.conftest import pass_checks

    offer = make_offer(target="1000.00", maximum="1000.00")
    first = subscribe_paid(offer, investor, "700.00")
    other = pass_checks(make_user())
    url = f"/api/v1/offers/{offer.id}/subscriptions"
    too_much = client.post(url, json={"amount": "300.01"}, headers=auth_headers(other))
    assert too_much.status_code == 422
    assert "300,00" in too_much.json["errors"]["amount"][0]
    pending = start_subscription(other, offer.id, amount="300.00")
    full = client.post(url, json={"amount": "100.00"}, headers=auth_headers(other))
    assert full.status_code == 422  # the open payment holds its room
    assert pay(pending, "failed").status == SubscriptionStatus.UNPAID
    assert (
        client.post(url, json={"amount": "300.00"}, headers=auth_headers(other)).status_code == 201
    )
    assert first.status == SubscriptionStatus.RESERVED


def test_units_for_bonds_and_whole_units_only(client, auth_headers, investor, make_offer):
    offer = make_offer(kind="bond", unit_price="250.00", minimum="250.00", maximum="5000.00")
    url = f"/api/v1/offers/{offer.id}/subscriptions"
    by_units = client.post(url, json={"units": 3}, headers=auth_headers(investor))
    assert by_units.status_code == 201
    assert by_units.json["amount"] == "750.00" and by_units.json["units"] == 3
    not_whole = client.post(url, json={"amount": "300.00"}, headers=auth_headers(investor))
    assert not_whole.status_code == 422
    both = client.post(url, json={"units": 2, "amount": "750.00"}, headers=auth_headers(investor))
    assert both.status_code == 422


def test_revoke_in_the_reflection_period_refunds_through_the_provider(
    client, auth_headers, investor, make_offer
):
    offer = make_offer()
    subscription = subscribe_paid(offer, investor, "800.00")
    response = client.post(
        f"/api/v1/subscriptions/{subscription.id}/revoke", headers=auth_headers(investor)
    )
    assert response.status_code == 200
    assert response.json["status"] == "revoked"
    assert response.json["refunded"] == "800.00"
    assert [r["amount"] for r in simulator_refunds(subscription)] == [80000]
    assert ledger(subscription) == [("payment", 80000), ("refund", -80000)]
    again = client.post(
        f"/api/v1/subscriptions/{subscription.id}/revoke", headers=auth_headers(investor)
    )
    assert again.status_code == 409
    assert len(simulator_refunds(subscription)) == 1


def test_revoking_after_the_reflection_period_is_409(client, auth_headers, investor, make_offer):
    subscription = subscribe_paid(make_offer(), investor, "500.00")
    subscription.reflection_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(
        f"/api/v1/subscriptions/{subscription.id}/revoke", headers=auth_headers(investor)
    )
    assert response.status_code == 409
    assert simulator_refunds(subscription) == []


def test_someone_elses_subscription_is_404(client, auth_headers, investor, make_user, make_offer):
    subscription = subscribe_paid(make_offer(), investor, "500.00")
    response = client.post(
        f"/api/v1/subscriptions/{subscription.id}/revoke", headers=auth_headers(make_user())
    )
    assert response.status_code == 404


def test_a_payment_after_revoking_is_flagged_and_refunded(investor, make_offer):
    subscription = start_subscription(investor, make_offer().id, amount="400.00")
    revoke_subscription(investor, subscription.id)
    paid = pay(subscription)
    assert paid.status == SubscriptionStatus.REVOKED
    assert paid.flagged and paid.flag_reason.startswith("late_payment")
    assert paid.refunded_cents == 40000
    assert [r["amount"] for r in simulator_refunds(paid)] == [40000]


def test_mollie_webhook_reserves_and_revoke_refunds_at_mollie(
    client,
    auth_headers,
    investor,
    make_offer,
    mollie,  # noqa: F811
):
    offer = make_offer()
    response = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"amount": "250.00"},
        headers=auth_headers(investor),
    )
    subscription = db.session.get(Subscription, response.json["id"])
    sent = mollie.requests_for("POST", "/v2/payments$")[0]
    assert sent.idempotency_key == f"subscription-{subscription.id}-attempt-1"
    assert sent.json["metadata"] == {"subscription_id": str(subscription.id)}
    assert response.json["checkout_url"] == mollie.payment(subscription.provider_payment_id)[
        "_links"]["checkout"]["href"]  # fmt: skip

    mollie.pay(subscription.provider_payment_id)
    assert (
        client.post("/webhooks/mollie", data={"id": subscription.provider_payment_id}).status_code
        == 200
    )
    db.session.refresh(subscription)
    assert subscription.status == SubscriptionStatus.RESERVED
    client.post("/webhooks/mollie", data={"id": subscription.provider_payment_id})
    assert ledger(subscription) == [("payment", 25000)]

    revoked = client.post(
        f"/api/v1/subscriptions/{subscription.id}/revoke", headers=auth_headers(investor)
    )
    assert revoked.json["status"] == "revoked" and revoked.json["refunded"] == "250.00"
    refunds = mollie.requests_for("POST", "/refunds$")
    assert len(refunds) == 1
    assert refunds[0].json["amount"] == {"currency": "EUR", "value": "250.00"}


def test_stripe_signed_webhook_reserves(client, auth_headers, investor, make_offer, stripe_fake):  # noqa: F811
    offer = make_offer()
    response = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"amount": "150.00"},
        headers=auth_headers(investor),
    )
    subscription = db.session.get(Subscription, response.json["id"])
    assert subscription.provider_payment_id.startswith("cs_test_")
    stripe_fake.complete_session(subscription.provider_payment_id)
    body, header = signed_event(stripe_fake.last_event("checkout.session.completed"), STRIPE_SECRET)
    answer = client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    db.session.refresh(subscription)
    assert subscription.status == SubscriptionStatus.RESERVED
    assert subscription.provider_reference.startswith("pi_")
    assert ledger(subscription) == [("payment", 15000)]


def test_a_refund_the_provider_could_not_make_is_made_by_the_next_closing_run(
    investor, make_offer, monkeypatch
):
    from marketplace.donations.providers.base import ProviderUnavailable
    from marketplace.donations.providers.simulator import SimulatorProvider
    from marketplace.investments.closing import close_due_offers

    subscription = subscribe_paid(make_offer(), investor, "200.00")

    def down(self, *args, **kwargs):
        raise ProviderUnavailable("timeout")

    with monkeypatch.context() as patched:
        patched.setattr(SimulatorProvider, "create_refund", down)
        revoked = revoke_subscription(investor, subscription.id)
    assert revoked.status == SubscriptionStatus.REVOKED
    assert revoked.refund_owed_cents == 20000
    report = close_due_offers()
    assert (report.refunds, report.refunds_waiting) == (1, 0)
    db.session.refresh(subscription)
    assert subscription.refunded_cents == 20000 and subscription.refund_owed_cents == 0


def test_open_payments_are_settled_by_the_closing_run(investor, make_offer):
    from marketplace.donations.providers import get_provider
    from marketplace.investments.closing import close_due_offers

    offer = make_offer()
    paid_quietly = start_subscription(investor, offer.id, amount="300.00")
    get_provider("simulator").choose(paid_quietly.provider_payment_id, "paid")  # no webhook
    paid_quietly.checkout_expires_at = utcnow() - timedelta(minutes=1)
    never_started = Subscription(
        offer_id=offer.id, user_id=investor.id, amount_cents=10000, currency="EUR",
        status=SubscriptionStatus.OPEN, sheet_version=1, provider="simulator",
        reflection_ends_at=utcnow(), created_at=utcnow() - timedelta(hours=2),
    )  # fmt: skip
    db.session.add(never_started)
    db.session.commit()
    report = close_due_offers()
    assert report.checked == 2
    db.session.refresh(paid_quietly)
    db.session.refresh(never_started)
    assert paid_quietly.status == SubscriptionStatus.RESERVED
    assert never_started.status == SubscriptionStatus.UNPAID


def test_stripe_revoke_refunds_at_stripe(client, auth_headers, investor, make_offer, stripe_fake):  # noqa: F811
    offer = make_offer()
    subscription = start_subscription(investor, offer.id, amount="120.00")
    stripe_fake.complete_session(subscription.provider_payment_id)
    body, header = signed_event(stripe_fake.last_event("checkout.session.completed"), STRIPE_SECRET)
    client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )
    revoked = client.post(
        f"/api/v1/subscriptions/{subscription.id}/revoke", headers=auth_headers(investor)
    )
    assert revoked.json["status"] == "revoked" and revoked.json["refunded"] == "120.00"
    assert len(stripe_fake.requests_for("POST", "/v1/refunds$")) == 1
