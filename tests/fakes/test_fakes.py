"""The real mollie-api-python and stripe clients work against the local fakes."""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import parse_qs

import pytest
import requests
import stripe
from mollie.api.error import (
    NotFoundError,
    RequestError,
    ResponseError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from mollie.api.objects.customer import Customer
from werkzeug.wrappers import Request, Response

from tests.fakes import (
    FakeMollie,
    FakeServer,
    fake_mollie,
    fake_pdok,
    fake_stripe,
    make_event,
    mollie_client,
    signed_event,
    stripe_client,
)

WEBHOOK = "https://impactbeurs.example/webhooks/mollie"
WHSEC = "whsec_test_secret"


@pytest.fixture
def mollie_fake():
    with fake_mollie() as fake:
        yield fake


@pytest.fixture
def mollie(mollie_fake):
    return mollie_client(mollie_fake)


@pytest.fixture
def stripe_fake():
    with fake_stripe() as fake:
        yield fake


@pytest.fixture
def sclient(stripe_fake):
    return stripe_client(stripe_fake)


class Receiver:
    """Tiny WSGI app recording webhook POSTs."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, bytes]] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.calls.append((request.path, dict(request.headers), request.get_data()))
        return Response("ok")(environ, start_response)


def payment_data(**overrides):
    data = {
        "amount": {"value": "25.00", "currency": "EUR"},
        "description": "Donatie Buurtmoestuin",
        "redirectUrl": "https://impactbeurs.example/donaties/1/klaar",
        "webhookUrl": WEBHOOK,
        "metadata": {"donation_id": 1},
    }
    data.update(overrides)
    return data


# ================================================================================== Mollie
def test_mollie_create_and_get_payment(mollie, mollie_fake):
    payment = mollie.payments.create(payment_data(method="ideal"))
    assert payment.id.startswith("tr_")
    assert payment.status == "open" and payment.is_open()
    assert payment.mode == "test"
    assert payment.amount == {"value": "25.00", "currency": "EUR"}
    assert payment.metadata == {"donation_id": 1}
    assert payment.method == "ideal"
    assert payment.sequence_type == "oneoff"
    assert payment.checkout_url == f"{mollie_fake.url}/checkout/{payment.id}"
    assert payment["isCancelable"] is True and payment.expires_at
    assert payment.amount_remaining is None  # only once paid

    (req,) = mollie_fake.requests_for("POST", "/v2/payments$")
    assert req.headers["Authorization"].startswith("Bearer test_")
    assert req.json["description"] == "Donatie Buurtmoestuin"
    # mollie-api-python 4 always sends an Idempotency-Key on create (uuid4 unless given)
    uuid.UUID(req.idempotency_key)

    mollie_fake.pay(payment.id)
    paid = mollie.payments.get(payment.id)
    assert paid.is_paid() and paid.paid_at
    assert paid.amount_refunded == {"value": "0.00", "currency": "EUR"}
    assert paid.amount_remaining == {"value": "25.00", "currency": "EUR"}
    assert "checkout" not in paid["_links"] and "isCancelable" not in paid
    assert mollie_fake.pop_webhooks() == [(WEBHOOK, {"id": payment.id})]


def test_mollie_idempotency_key(mollie, mollie_fake):
    key = "donation-42-attempt-1"
    first = mollie.payments.create(payment_data(), idempotency_key=key)
    second = mollie.payments.create(payment_data(), idempotency_key=key)
    assert first.id == second.id
    assert len(mollie_fake.payments) == 1
    replay = mollie_fake.requests_for("POST", "/v2/payments$")[-1]
    assert replay.idempotency_key == key and replay.replayed

    with pytest.raises(UnprocessableEntityError):
        mollie.payments.create(payment_data(description="other"), idempotency_key=key)
    other = mollie.payments.create(payment_data())  # fresh auto-generated key
    assert other.id != first.id


def test_mollie_validation_errors(mollie, mollie_fake):
    with pytest.raises(UnprocessableEntityError) as exc:
        mollie.payments.create(payment_data(webhookUrl="http://127.0.0.1:5000/webhooks/mollie"))
    assert exc.value.field == "webhookUrl"
    assert "unreachable from Mollie's point of view" in str(exc.value)
    with pytest.raises(UnprocessableEntityError):
        mollie.payments.create(payment_data(webhookUrl="http://localhost/hook"))

    with pytest.raises(UnprocessableEntityError) as exc:
        mollie.payments.create(payment_data(amount={"value": "25", "currency": "EUR"}))
    assert exc.value.field == "amount.value"
    with pytest.raises(UnprocessableEntityError) as exc:
        mollie.payments.create(payment_data(description=""))
    assert exc.value.field == "description"
    with pytest.raises(UnprocessableEntityError) as exc:
        mollie.payments.create(payment_data(redirectUrl=None))
    assert exc.value.field == "redirectUrl"
    assert mollie_fake.payments == {}

    lenient = FakeMollie(allow_local_webhooks=True)
    with lenient:
        client = mollie_client(lenient)
        client.payments.create(payment_data(webhookUrl="http://127.0.0.1:5000/hook"))


def test_mollie_not_found_and_auth(mollie, mollie_fake):
    with pytest.raises(NotFoundError) as exc:
        mollie.payments.get("tr_doesnotexist")
    assert exc.value.status == 404
    assert str(exc.value) == "No payment exists with token tr_doesnotexist."

    resp = requests.get(f"{mollie_fake.url}/v2/payments/tr_x")
    assert resp.status_code == 401
    assert resp.headers["Content-Type"].startswith("application/hal+json")
    assert resp.json()["title"] == "Unauthorized Request"

    with (
        fake_mollie(api_key="test_rightkeyrightkeyrightkey") as strict,
        pytest.raises(UnauthorizedError),
    ):
        mollie_client(strict, api_key="test_wrongkeywrongkeywrongkey").payments.list()


def test_mollie_cancel_and_checkout_page(mollie, mollie_fake):
    payment = mollie.payments.create(payment_data())
    canceled = mollie.payments.delete(payment.id)
    assert canceled.is_canceled() and canceled.canceled_at
    with pytest.raises(UnprocessableEntityError):
        mollie.payments.delete(payment.id)

    payment = mollie.payments.create(payment_data())
    page = requests.get(payment.checkout_url)
    assert page.status_code == 200 and "25.00" in page.text
    resp = requests.post(payment.checkout_url, data={"status": "paid"}, allow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["Location"] == payment.redirect_url
    assert mollie.payments.get(payment.id).is_paid()


def test_mollie_refunds_keep_amounts_consistent(mollie, mollie_fake):
    payment = mollie.payments.create(payment_data())
    with pytest.raises(UnprocessableEntityError):  # not paid yet
        payment.refunds.create({"amount": {"value": "5.00", "currency": "EUR"}})
    mollie_fake.pay(payment.id)

    refund = payment.refunds.create(
        {"amount": {"value": "10.00", "currency": "EUR"}, "description": "Teruggave"}
    )
    assert refund.id.startswith("re_") and refund.status == "pending"
    assert refund.payment_id == payment.id and refund.amount["value"] == "10.00"
    assert payment.refunds.get(refund.id).id == refund.id

    p = mollie.payments.get(payment.id)
    assert p.has_refunds()
    assert (p.amount_refunded["value"], p.amount_remaining["value"]) == ("10.00", "15.00")

    with pytest.raises(UnprocessableEntityError) as exc:
        payment.refunds.create({"amount": {"value": "15.01", "currency": "EUR"}})
    assert exc.value.field == "amount"

    failed = mollie_fake.add_refund(payment.id, 500, status="failed")
    mollie_fake.add_refund(payment.id, 1500)  # rest, status refunded
    refunds = payment.refunds.list()
    assert len(refunds) == 3 and {r.id for r in refunds} >= {refund.id, failed}
    p = mollie.payments.get(payment.id)
    assert (p.amount_refunded["value"], p.amount_remaining["value"]) == ("25.00", "0.00")


def test_mollie_chargebacks(mollie, mollie_fake):
    payment = mollie.payments.create(payment_data())
    mollie_fake.pay(payment.id)
    assert "amountChargedBack" not in mollie.payments.get(payment.id)
    chb = mollie_fake.add_chargeback(payment.id, 2500)

    p = mollie.payments.get(payment.id)
    assert p.has_chargebacks()
    assert p.amount_chargedback == {"value": "25.00", "currency": "EUR"}
    assert p.amount_remaining["value"] == "0.00"
    chargebacks = p.chargebacks.list()
    assert len(chargebacks) == 1
    assert chargebacks[0].id == chb and chargebacks[0].payment_id == payment.id
    single = p.chargebacks.get(chb)
    assert single.amount["value"] == "25.00" and single.reversed_at is None

    mollie_fake.reverse_chargeback(chb)
    assert "amountChargedBack" not in mollie.payments.get(payment.id)
    assert p.chargebacks.get(chb).reversed_at


def test_mollie_customer_mandate_subscription(mollie, mollie_fake):
    customer = mollie.customers.create({"name": "Donateur", "email": "d@example.org"})
    assert customer.id.startswith("cst_")
    assert mollie.customers.get(customer.id).email == "d@example.org"
    assert len(customer.mandates.list()) == 0
    with pytest.raises(UnprocessableEntityError):
        customer.subscriptions.create(
            {
                "amount": {"value": "10.00", "currency": "EUR"},
                "interval": "1 month",
                "description": "Maandelijkse donatie",
            }
        )

    first = customer.payments.create(
        payment_data(sequenceType="first", amount={"value": "10.00", "currency": "EUR"})
    )
    assert first.customer_id == customer.id and first.has_sequence_type_first()
    mollie_fake.pay(first.id)
    mandates = customer.mandates.list()
    assert len(mandates) == 1
    mandate = mandates[0]
    assert mandate.id.startswith("mdt_") and mandate.is_valid()
    assert mandate.method == "directdebit"
    assert mollie.payments.get(first.id).mandate_id == mandate.id

    sub = customer.subscriptions.create(
        {
            "amount": {"value": "10.00", "currency": "EUR"},
            "interval": "1 month",
            "description": "Maandelijkse donatie",
            "webhookUrl": WEBHOOK,
            "metadata": {"pledge_id": 7},
        }
    )
    assert sub.id.startswith("sub_") and sub.is_active()
    assert sub.customer_id == customer.id and sub.interval == "1 month"
    assert sub.start_date == sub.next_payment_date

    mollie_fake.pop_webhooks()
    tr = mollie_fake.create_subscription_payment(sub.id)
    recurring = mollie.payments.get(tr)
    assert recurring.is_paid() and recurring.has_sequence_type_recurring()
    assert recurring.subscription_id == sub.id
    assert recurring.customer_id == customer.id and recurring.mandate_id == mandate.id
    assert recurring.webhook_url == WEBHOOK and recurring.metadata == {"pledge_id": 7}
    assert recurring.get_subscription().id == sub.id
    assert mollie_fake.pop_webhooks() == [(WEBHOOK, {"id": tr})]
    assert [p.id for p in customer.subscriptions.get(sub.id).payments.list()] == [tr]
    assert customer.subscriptions.get(sub.id).next_payment_date > sub.start_date

    canceled = customer.subscriptions.delete(sub.id)
    assert canceled.is_canceled() and canceled.canceled_at
    assert Customer({"id": customer.id}, mollie).subscriptions.get(sub.id).is_canceled()


def test_mollie_list_pagination(mollie, mollie_fake):
    ids = [mollie.payments.create(payment_data()).id for _ in range(3)]
    page = mollie.payments.list(limit=2)
    assert [p.id for p in page] == ids[::-1][:2]  # newest first
    assert page.has_next()
    rest = page.get_next()
    assert [p.id for p in rest] == [ids[0]] and not rest.has_next()


def test_mollie_fail_next_and_slow(mollie, mollie_fake):
    mollie_fake.fail_next(1, status=503)
    with pytest.raises(ResponseError) as exc:
        mollie.payments.create(payment_data())
    assert exc.value.status == 503
    assert mollie.payments.create(payment_data()).id  # next call succeeds
    assert mollie_fake.requests_for("POST")[0].injected_failure

    mollie_fake.fail_next(1, delay_seconds=0.3, method="POST")
    mollie.set_timeout((1, 0.1))
    with pytest.raises(RequestError):
        mollie.payments.create(payment_data(), idempotency_key="slow-1")
    mollie.set_timeout((1, 2))
    # the slow request still completed server-side; a retry with the key replays it
    retry = mollie.payments.create(payment_data(), idempotency_key="slow-1")
    assert len(mollie_fake.payments) == 2
    assert retry.id == mollie_fake.last_payment()["id"]


def test_mollie_set_amount_and_webhook_delivery():
    receiver = Receiver()
    with (
        FakeServer(receiver) as hook,
        fake_mollie(allow_local_webhooks=True, deliver_webhooks=True) as fake,
    ):
        client = mollie_client(fake)
        payment = client.payments.create(payment_data(webhookUrl=f"{hook.url}/hook"))
        fake.set_amount(payment.id, "0.01")
        assert client.payments.get(payment.id).amount == {"value": "0.01", "currency": "EUR"}
        fake.pay(payment.id)  # synchronous delivery from control methods
        assert receiver.calls[-1][0] == "/hook"
        assert parse_qs(receiver.calls[-1][2].decode()) == {"id": [payment.id]}
        assert fake.webhook_deliveries[-1]["status"] == 200

        other = client.payments.create(payment_data(webhookUrl=f"{hook.url}/hook"))
        client.payments.delete(other.id)  # API-triggered: delivered in the background
        fake.wait_for_webhooks()
        assert parse_qs(receiver.calls[-1][2].decode()) == {"id": [other.id]}


# ================================================================================== Stripe
def session_params(**overrides):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 2500,
                    "product_data": {"name": "Donatie Buurtmoestuin"},
                },
                "quantity": 1,
            }
        ],
        "payment_method_types": ["card", "ideal"],
        "success_url": "https://impactbeurs.example/ok?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://impactbeurs.example/cancel",
        "client_reference_id": "donation-1",
        "metadata": {"donation_id": "1"},
        "customer_email": "donor@example.org",
    }
    params.update(overrides)
    return params


def monthly_params(**overrides):
    params = session_params(mode="subscription", subscription_data={"metadata": {"pledge": "7"}})
    params["line_items"][0]["price_data"]["recurring"] = {"interval": "month"}
    params.update(overrides)
    return params


def test_stripe_checkout_payment_flow(sclient, stripe_fake):
    session = sclient.v1.checkout.sessions.create(
        params=session_params(), options={"idempotency_key": "donation-1-checkout"}
    )
    assert session.id.startswith("cs_test_") and session.object == "checkout.session"
    assert session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_total == 2500 and session.currency == "eur"
    assert session.url == f"{stripe_fake.url}/c/pay/{session.id}"
    assert session.metadata["donation_id"] == "1"
    assert session.client_reference_id == "donation-1"
    assert session.payment_intent is None  # created when the donor pays (API >= 2022-08-01)

    req = stripe_fake.requests_for("POST", "/v1/checkout/sessions")[0]
    assert req.idempotency_key == "donation-1-checkout"
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "line_items[0][price_data][unit_amount]=2500" in req.text
    assert "payment_method_types[1]=ideal" in req.text

    again = sclient.v1.checkout.sessions.create(
        params=session_params(), options={"idempotency_key": "donation-1-checkout"}
    )
    assert again.id == session.id and len(stripe_fake.sessions) == 1
    with pytest.raises(stripe.IdempotencyError):
        sclient.v1.checkout.sessions.create(
            params=session_params(client_reference_id="x"),
            options={"idempotency_key": "donation-1-checkout"},
        )

    done = stripe_fake.complete_session(session.id)
    assert done["payment_intent"].startswith("pi_")
    fetched = sclient.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent", "line_items"]}
    )
    assert fetched.status == "complete" and fetched.payment_status == "paid"
    intent = fetched.payment_intent
    assert intent.object == "payment_intent" and intent.status == "succeeded"
    assert intent.amount == intent.amount_received == 2500
    assert fetched.line_items.data[0].price.unit_amount == 2500
    assert [e["type"] for e in stripe_fake.events] == [
        "checkout.session.completed",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]

    pi = sclient.v1.payment_intents.retrieve(intent.id)
    charge = sclient.v1.charges.retrieve(pi.latest_charge)
    assert charge.amount == 2500 and not charge.refunded and not charge.disputed


def test_stripe_refund_and_dispute(sclient, stripe_fake):
    session = sclient.v1.checkout.sessions.create(params=session_params())
    pi = stripe_fake.complete_session(session.id)["payment_intent"]
    refund = sclient.v1.refunds.create(params={"payment_intent": pi, "amount": 1000})
    assert refund.id.startswith("re_") and refund.status == "succeeded"
    assert refund.payment_intent == pi and refund.amount == 1000
    assert sclient.v1.refunds.retrieve(refund.id).charge == refund.charge
    charge = sclient.v1.charges.retrieve(refund.charge)
    assert charge.amount_refunded == 1000 and not charge.refunded

    with pytest.raises(stripe.InvalidRequestError) as exc:
        sclient.v1.refunds.create(params={"payment_intent": pi, "amount": 1501})
    assert exc.value.param == "amount" and exc.value.code == "amount_too_large"

    stripe_fake.refund(pi)  # remaining 15.00 from the dashboard
    assert sclient.v1.charges.retrieve(refund.charge).refunded
    assert stripe_fake.last_event()["type"] == "charge.refunded"

    other = sclient.v1.checkout.sessions.create(params=session_params())
    pi2 = stripe_fake.complete_session(other.id)["payment_intent"]
    dp = stripe_fake.dispute(pi2, 2500)
    assert dp.startswith("dp_")
    assert sclient.v1.payment_intents.retrieve(
        pi2, params={"expand": ["latest_charge"]}
    ).latest_charge.disputed
    assert stripe_fake.last_event()["data"]["object"]["amount"] == 2500


def test_stripe_subscription_flow_and_api_versions(sclient, stripe_fake):
    session = sclient.v1.checkout.sessions.create(params=monthly_params())
    assert session.mode == "subscription" and session.subscription is None
    done = stripe_fake.complete_session(session.id)
    sub_id = done["subscription"]
    assert sub_id.startswith("sub_") and done["payment_status"] == "paid"

    sub = sclient.v1.subscriptions.retrieve(sub_id)
    assert sub.status == "active" and sub.metadata["pledge"] == "7"
    assert sub["items"].data[0].price.recurring.interval == "month"
    assert sub["items"].data[0].current_period_end > sub.start_date  # basil+: on the item

    invoice_id = stripe_fake.invoice_paid(sub_id)
    invoice = sclient.v1.invoices.retrieve(invoice_id)
    assert invoice.status == "paid" and invoice.amount_paid == 2500
    assert invoice.billing_reason == "subscription_cycle"
    assert invoice.parent.subscription_details.subscription == sub_id

    legacy = stripe_client(stripe_fake, stripe_version="2024-06-20")
    old_invoice = legacy.v1.invoices.retrieve(invoice_id)
    assert old_invoice.subscription == sub_id and old_invoice.payment_intent.startswith("pi_")
    assert legacy.v1.subscriptions.retrieve(sub_id).current_period_end

    updated = sclient.v1.subscriptions.update(sub_id, params={"cancel_at_period_end": True})
    assert updated.cancel_at_period_end and updated.cancel_at
    canceled = sclient.v1.subscriptions.cancel(sub_id)
    assert canceled.status == "canceled" and canceled.canceled_at
    assert stripe_fake.last_event()["type"] == "customer.subscription.deleted"


def test_stripe_errors_and_auth(sclient, stripe_fake):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sclient.v1.checkout.sessions.retrieve("cs_test_nope")
    assert exc.value.http_status == 404 and exc.value.code == "resource_missing"

    with pytest.raises(stripe.InvalidRequestError) as exc:
        sclient.v1.checkout.sessions.create(params=session_params(bogus="1"))
    assert "Received unknown parameter: bogus" in str(exc.value)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sclient.v1.checkout.sessions.create(
            params=session_params(mode="payment", **{"line_items": monthly_params()["line_items"]})
        )
    assert "recurring price" in str(exc.value)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sclient.v1.checkout.sessions.create(params=session_params(success_url=None))
    assert exc.value.param == "success_url"

    resp = requests.post(f"{stripe_fake.url}/v1/checkout/sessions")
    assert resp.status_code == 401
    assert resp.json()["error"]["type"] == "invalid_request_error"
    with pytest.raises(stripe.AuthenticationError):
        stripe_client(stripe_fake, api_key="not-a-key").v1.checkout.sessions.retrieve("cs_x")

    stripe_fake.fail_next(1, status=500)
    with pytest.raises(stripe.APIError):
        sclient.v1.checkout.sessions.create(params=session_params())
    assert sclient.v1.checkout.sessions.create(params=session_params()).id


def test_stripe_expire_and_checkout_page(sclient, stripe_fake):
    session = sclient.v1.checkout.sessions.create(params=session_params())
    expired = sclient.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and expired.url is None
    with pytest.raises(stripe.InvalidRequestError):
        sclient.v1.checkout.sessions.expire(session.id)
    assert stripe_fake.last_event()["type"] == "checkout.session.expired"

    session = sclient.v1.checkout.sessions.create(params=session_params())
    assert requests.get(session.url).status_code == 200
    resp = requests.post(session.url, data={"action": "pay"}, allow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["Location"] == f"https://impactbeurs.example/ok?session={session.id}"
    assert sclient.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_stripe_module_level_api_base(stripe_fake, monkeypatch):
    monkeypatch.setattr(stripe, "api_base", stripe_fake.url)
    monkeypatch.setattr(stripe, "api_key", "sk_test_module")
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    session = stripe.checkout.Session.create(**session_params())
    assert stripe.checkout.Session.retrieve(session.id).amount_total == 2500
    assert stripe_fake.requests[-1].headers["Authorization"] == "Bearer sk_test_module"


def test_stripe_signed_events(stripe_fake, sclient):
    event = make_event("checkout.session.completed", {"id": "cs_test_1", "object": "x"})
    assert event["id"].startswith("evt_") and event["livemode"] is False
    body, header = signed_event(event, WHSEC)
    assert header.startswith("t=") and ",v1=" in header
    parsed = stripe.Webhook.construct_event(body, header, WHSEC)
    assert parsed.type == "checkout.session.completed"
    assert parsed.data.object.id == "cs_test_1"

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body.replace(b"cs_test_1", b"cs_test_2"), header, WHSEC)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, header, "whsec_other")
    stale_body, stale = signed_event(event, WHSEC, timestamp=time.time() - 600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale_body, stale, WHSEC)

    # events produced by the fake itself
    session = sclient.v1.checkout.sessions.create(params=session_params())
    stripe_fake.complete_session(session.id)
    body, header = signed_event(stripe_fake.last_event("checkout.session.completed"), WHSEC)
    parsed = sclient.construct_event(body, header, WHSEC)
    assert parsed.data.object.id == session.id and parsed.data.object.payment_status == "paid"
    assert sclient.v1.events.retrieve(parsed.id).type == "checkout.session.completed"


def test_stripe_webhook_delivery():
    receiver = Receiver()
    with (
        FakeServer(receiver) as hook,
        fake_stripe(webhook_url=f"{hook.url}/stripe", webhook_secret=WHSEC) as fake,
    ):
        client = stripe_client(fake)
        session = client.v1.checkout.sessions.create(params=monthly_params())
        fake.complete_session(session.id)
        types = []
        for path, headers, body in receiver.calls:
            assert path == "/stripe"
            types.append(
                stripe.Webhook.construct_event(body, headers["Stripe-Signature"], WHSEC).type
            )
        assert "checkout.session.completed" in types and "invoice.paid" in types
        assert json.loads(receiver.calls[0][2])["object"] == "event"


def test_fakes_are_thread_safe(mollie_fake):
    from concurrent.futures import ThreadPoolExecutor

    def create(i):
        client = mollie_client(mollie_fake)
        key = "shared" if i % 2 else f"own-{i}"
        return client.payments.create(payment_data(), idempotency_key=key).id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(16)))
    assert len(set(ids)) == 9 and len(mollie_fake.payments) == 9
    assert len(mollie_fake.requests) == 16


def test_pdok_fake_answers_like_locatieserver():
    with fake_pdok() as pdok:
        free = pdok.api_url + "/free"
        plain = requests.get(free, params={"q": "Utrecht"}, timeout=5).json()["response"]
        assert plain["numFound"] >= 1 and plain["docs"][0]["type"] == "woonplaats"
        assert set(plain["docs"][0]) == {"id", "weergavenaam", "type", "score"}  # PDOK's default fl
        asked = requests.get(
            free,
            params={"q": "postcode:8011AB", "fq": "type:postcode", "fl": "*", "rows": 1},
            timeout=5,
        ).json()["response"]["docs"][0]
        assert asked["centroide_ll"] == "POINT(6.094 52.509)" and asked["postcode"] == "8011AB"
        prefix = requests.get(free, params={"q": "postcode:351*", "fq": "type:postcode"}, timeout=5)
        assert prefix.json()["response"]["numFound"] == 2  # 3511AA and 3511AB
        # v3.1 refuses parameters that are not in its OpenAPI document.
        assert requests.get(free, params={"q": "x", "limit": 1}, timeout=5).status_code == 400
        pdok.fail_next(status=503)
        assert requests.get(free, params={"q": "Utrecht"}, timeout=5).status_code == 503
