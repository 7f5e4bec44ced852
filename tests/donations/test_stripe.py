"""Stripe Checkout through the official stripe client against the Stripe fake; webhook events
signed exactly as Stripe signs them."""

import time

from sqlalchemy import select

from marketplace.donations import refunds
from marketplace.donations.models import (
    Contribution,
    ContributionEvent,
    ContributionStatus,
    RecurringGift,
    RecurringStatus,
)
from marketplace.extensions import db
from tests.donations.conftest import STRIPE_SECRET
from tests.fakes import signed_event


def send(client, fake, event, secret=STRIPE_SECRET, timestamp=None):
    body, header = signed_event(event, secret, timestamp)
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def start(give, amount="25.00", **fields):
    response = give(amount, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalars(select(Contribution).order_by(Contribution.id.desc())).first()


def test_full_flow_session_completed_is_paid(client, give, stripe_fake, initiative):
    contribution = start(give)
    assert contribution.provider_payment_id.startswith("cs_test_")
    sent = stripe_fake.requests_for("POST", "/v1/checkout/sessions$")[0]
    assert sent.idempotency_key == f"contribution-{contribution.id}-attempt-1"

    stripe_fake.complete_session(contribution.provider_payment_id)
    event = stripe_fake.last_event("checkout.session.completed")
    assert send(client, stripe_fake, event).status_code == 200
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
    assert contribution.provider_reference.startswith("pi_")
    assert contribution.net_cents == 2500
    send(client, stripe_fake, event)  # replay
    assert db.session.query(ContributionEvent).count() == 1


def test_bad_or_stale_signature_is_400_and_changes_nothing(client, give, stripe_fake):
    contribution = start(give)
    stripe_fake.complete_session(contribution.provider_payment_id)
    event = stripe_fake.last_event("checkout.session.completed")
    assert send(client, stripe_fake, event, secret="whsec_wrong").status_code == 400
    stale = int(time.time()) - 3600
    assert send(client, stripe_fake, event, timestamp=stale).status_code == 400
    no_header = client.post("/webhooks/stripe", data=b"{}")
    assert no_header.status_code == 400
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.OPEN


def test_refund_before_paid_event_ends_right(client, give, stripe_fake, make_user):
    contribution = start(give, "40.00")
    session = stripe_fake.complete_session(contribution.provider_payment_id)
    stripe_fake.refund(session["payment_intent"], 1500)
    # The refund's event arrives first; the paid one later.
    send(client, stripe_fake, stripe_fake.last_event("charge.refunded"))
    send(client, stripe_fake, stripe_fake.last_event("checkout.session.completed"))
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PARTIALLY_REFUNDED
    assert contribution.refunded_cents == 1500
    assert contribution.net_cents == 2500
    total = sum(e.amount_cents for e in contribution.events)
    assert total == 2500


def test_admin_refund_and_lost_dispute(client, give, stripe_fake, make_user):
    contribution = start(give, "60.00")
    session = stripe_fake.complete_session(contribution.provider_payment_id)
    send(client, stripe_fake, stripe_fake.last_event("checkout.session.completed"))
    admin = make_user(role="admin")
    refunds.refund_contribution(admin, contribution.id, "10.00")
    db.session.refresh(contribution)
    assert contribution.refunded_cents == 1000

    other = start(give, "30.00")
    session = stripe_fake.complete_session(other.provider_payment_id)
    send(client, stripe_fake, stripe_fake.last_event("checkout.session.completed"))
    stripe_fake.dispute(session["payment_intent"])
    send(client, stripe_fake, stripe_fake.last_event("charge.dispute.created"))
    db.session.refresh(other)
    assert other.status == ContributionStatus.CHARGED_BACK
    assert other.net_cents == 0


def test_expired_session_then_nothing_credited(client, give, stripe_fake):
    contribution = start(give)
    stripe_fake.expire_session(contribution.provider_payment_id)
    send(client, stripe_fake, stripe_fake.last_event("checkout.session.expired"))
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.EXPIRED
    assert contribution.net_cents == 0


def test_monthly_via_subscription_mode(client, give, stripe_fake):
    contribution = start(give, "12.50", interval="monthly")
    sent = stripe_fake.requests_for("POST", "/v1/checkout/sessions$")[0]
    assert "mode=subscription" in sent.text
    session = stripe_fake.complete_session(contribution.provider_payment_id)
    for event in stripe_fake.events:
        if event["type"] in ("checkout.session.completed", "invoice.paid"):
            send(client, stripe_fake, event)
    gift = db.session.scalars(select(RecurringGift)).one()
    assert gift.status == RecurringStatus.ACTIVE
    assert gift.provider_subscription_id == session["subscription"]

    invoice_id = stripe_fake.invoice_paid(session["subscription"])
    send(client, stripe_fake, stripe_fake.last_event("invoice.paid"))
    renewal = db.session.scalars(
        select(Contribution).where(Contribution.provider_payment_id == invoice_id)
    ).one()
    assert renewal.status == ContributionStatus.PAID and renewal.amount_cents == 1250

    client.post(f"/donations/monthly/{gift.id}/cancel", data={"confirm": "yes"})
    db.session.refresh(gift)
    assert gift.status == RecurringStatus.CANCELED
    assert stripe_fake.subscriptions[gift.provider_subscription_id]["status"] == "canceled"


def test_stripe_webhook_without_stripe_configured_is_refused(app, client):
    assert app.config["PAYMENT_PROVIDER"] == "simulator"
    saved = app.config["STRIPE_SECRET_KEY"]
    app.config["STRIPE_SECRET_KEY"] = ""
    try:
        response = client.post(
            "/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=bad"}
        )
    finally:
        app.config["STRIPE_SECRET_KEY"] = saved
    assert response.status_code == 400
    assert response.get_json()["code"] == 400
