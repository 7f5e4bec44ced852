"""Mollie through the real mollie-api-python client against the local Mollie fake."""

from sqlalchemy import select

from marketplace.donations import reconcile, refunds
from marketplace.donations.models import (
    Contribution,
    ContributionEvent,
    ContributionStatus,
    RecurringGift,
    RecurringStatus,
)
from marketplace.extensions import db
from marketplace.figures.read import raised_cents


def ledger_total(contribution_id: int) -> int:
    return sum(
        e.amount_cents
        for e in db.session.scalars(
            select(ContributionEvent).where(ContributionEvent.contribution_id == contribution_id)
        )
    )


def start(client, give, mollie, amount="25.00", **fields):
    response = give(amount, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    contribution = db.session.scalars(select(Contribution).order_by(Contribution.id.desc())).first()
    assert response.headers["Location"] == mollie.payment(contribution.provider_payment_id)[
        "_links"]["checkout"]["href"]  # fmt: skip
    return contribution


def test_full_flow_checkout_webhook_paid(client, give, mollie, initiative):
    contribution = start(client, give, mollie)
    sent = mollie.requests_for("POST", "/v2/payments$")[0]
    assert sent.idempotency_key == f"contribution-{contribution.id}-attempt-1"
    assert sent.json["amount"] == {"currency": "EUR", "value": "25.00"}
    assert sent.json["method"] == "ideal"
    assert "webhookUrl" not in sent.json  # PUBLIC_BASE_URL is local in tests

    mollie.pay(contribution.provider_payment_id)
    response = client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    assert response.status_code == 200
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
    assert raised_cents(initiative.id) == 2500
    assert ledger_total(contribution.id) == 2500

    # A replayed webhook changes nothing.
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    assert db.session.query(ContributionEvent).count() == 1


def test_return_triggers_the_same_refresh(client, give, mollie):
    contribution = start(client, give, mollie)
    mollie.pay(contribution.provider_payment_id)
    page = client.get(f"/donations/{contribution.id}/return")
    assert page.status_code == 200
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID


def test_unknown_payment_id_answers_200_and_changes_nothing(client, mollie):
    response = client.post("/webhooks/mollie", data={"id": "tr_doesnotexist"})
    assert response.status_code == 200
    assert db.session.query(ContributionEvent).count() == 0


def test_webhook_url_sent_when_public_base_is_reachable(app, give, client, mollie):
    mollie.allow_local_webhooks = False
    app.config["PUBLIC_BASE_URL"] = "https://impactbeurs.example.nl"
    try:
        start(client, give, mollie)
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    sent = mollie.requests_for("POST", "/v2/payments$")[0]
    assert sent.json["webhookUrl"] == "https://impactbeurs.example.nl/webhooks/mollie"


def test_amount_mismatch_is_not_credited_and_flagged(client, give, mollie, initiative):
    contribution = start(client, give, mollie)
    mollie.set_amount(contribution.provider_payment_id, 100)
    mollie.pay(contribution.provider_payment_id)
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.OPEN
    assert contribution.flagged and "amount_mismatch" in contribution.flag_reason
    assert raised_cents(initiative.id) == 0
    assert contribution in refunds.flagged_contributions()


def test_paid_after_expired_is_accepted_and_flagged(client, give, mollie):
    contribution = start(client, give, mollie)
    mollie.expire(contribution.provider_payment_id)
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.EXPIRED
    mollie.update_payment(contribution.provider_payment_id, status="paid",
                          paidAt="2026-01-01T10:00:00+00:00")  # fmt: skip
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
    assert contribution.flagged and "late_payment" in contribution.flag_reason
    assert ledger_total(contribution.id) == 2500


def test_expired_after_paid_does_not_move_backwards(client, give, mollie):
    contribution = start(client, give, mollie)
    mollie.pay(contribution.provider_payment_id)
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    mollie.update_payment(contribution.provider_payment_id, status="expired")
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
    assert ledger_total(contribution.id) == 2500


def test_refunds_and_chargebacks_reduce_what_counts(client, give, mollie, initiative, make_user):
    contribution = start(client, give, mollie, amount="100.00")
    payment_id = contribution.provider_payment_id
    mollie.pay(payment_id)
    client.post("/webhooks/mollie", data={"id": payment_id})

    admin = make_user(role="admin")
    refunds.refund_contribution(admin, contribution.id, "30.00")
    db.session.refresh(contribution)
    assert contribution.refunded_cents == 3000
    assert contribution.status == ContributionStatus.PARTIALLY_REFUNDED
    assert contribution.refunds[0].requested_by_id == admin.id

    chargeback = mollie.add_chargeback(payment_id, 2000)
    client.post("/webhooks/mollie", data={"id": payment_id})
    client.post("/webhooks/mollie", data={"id": payment_id})  # replay
    db.session.refresh(contribution)
    assert contribution.charged_back_cents == 2000
    assert contribution.status == ContributionStatus.CHARGED_BACK
    assert raised_cents(initiative.id) == 5000
    assert ledger_total(contribution.id) == contribution.net_cents == 5000

    mollie.reverse_chargeback(chargeback)
    client.post("/webhooks/mollie", data={"id": payment_id})
    db.session.refresh(contribution)
    assert contribution.charged_back_cents == 0
    assert ledger_total(contribution.id) == contribution.net_cents == 7000


def test_failed_refund_is_given_back(client, give, mollie, make_user):
    contribution = start(client, give, mollie, amount="50.00")
    payment_id = contribution.provider_payment_id
    mollie.pay(payment_id)
    refund_id = mollie.add_refund(payment_id, 1000, status="pending")
    client.post("/webhooks/mollie", data={"id": payment_id})
    db.session.refresh(contribution)
    assert contribution.refunded_cents == 1000
    mollie.set_refund_status(refund_id, "failed")
    client.post("/webhooks/mollie", data={"id": payment_id})
    db.session.refresh(contribution)
    assert contribution.refunded_cents == 0
    assert ledger_total(contribution.id) == 5000


def test_monthly_gift_first_payment_subscription_and_cancel(client, give, mollie, donor):
    contribution = start(client, give, mollie, amount="10.00", interval="monthly")
    first = mollie.payment(contribution.provider_payment_id)
    assert first["sequenceType"] == "first" and first["customerId"]
    mollie.pay(contribution.provider_payment_id)
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})

    gift = db.session.scalars(select(RecurringGift)).one()
    assert gift.status == RecurringStatus.ACTIVE
    assert gift.provider_subscription_id in mollie.subscriptions
    sub = mollie.subscriptions[gift.provider_subscription_id]
    assert sub.interval == "1 month" and sub.amount == 1000

    # Each subscription payment arrives by webhook and becomes its own contribution.
    next_payment = mollie.create_subscription_payment(gift.provider_subscription_id)
    client.post("/webhooks/mollie", data={"id": next_payment})
    client.post("/webhooks/mollie", data={"id": next_payment})
    gifts = db.session.scalars(
        select(Contribution).where(Contribution.recurring_gift_id == gift.id)
    ).all()
    assert sorted(c.status.value for c in gifts) == ["paid", "paid"]
    assert sum(c.net_cents for c in gifts) == 2000

    page = client.get("/account").get_data(as_text=True)
    assert 'data-testid="cancel-monthly"' in page
    # Stopping asks first: the link leads to a confirm page, a POST without the answer back there.
    stop_url = f"/donations/monthly/{gift.id}/cancel"
    assert f'href="{stop_url}"' in page
    confirm = client.get(stop_url).get_data(as_text=True)
    assert 'data-testid="confirm-cancel-monthly"' in confirm and 'name="confirm"' in confirm
    unconfirmed = client.post(stop_url)
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"].endswith(stop_url)
    db.session.refresh(gift)
    assert gift.status == RecurringStatus.ACTIVE
    response = client.post(stop_url, data={"confirm": "yes"})
    assert response.status_code == 302
    db.session.refresh(gift)
    assert gift.status == RecurringStatus.CANCELED and gift.canceled_at is not None
    assert mollie.subscriptions[gift.provider_subscription_id].status == "canceled"
    # The stopped gift stays in the history, without a stop button.
    history = client.get("/account").get_data(as_text=True)
    monthly = history.split('data-testid="monthly-gifts"')[1].split("</section>")[0]
    assert 'data-testid="stopped-monthly"' in monthly and "Buurtmoestuin" in monthly
    assert 'data-testid="cancel-monthly"' not in monthly
    assert 'data-testid="already-stopped"' in client.get(stop_url).get_data(as_text=True)


def test_provider_down_gives_a_clear_message_and_no_500(client, give, mollie):
    mollie.fail_next(1, status=503, method="POST", path="/v2/payments$")
    response = give("25.00")
    assert response.status_code == 503
    assert "niet bereikbaar" in response.get_data(as_text=True)
    contribution = db.session.scalars(select(Contribution)).one()
    assert contribution.status == ContributionStatus.OPEN
    assert contribution.provider_payment_id is None

    # Trying again reuses the same row and the same idempotency key: one payment in the end.
    response = give("25.00")
    assert response.status_code == 303
    assert db.session.query(Contribution).count() == 1
    keys = {r.idempotency_key for r in mollie.requests_for("POST", "/v2/payments$")}
    assert keys == {f"contribution-{contribution.id}-attempt-1"}


def test_provider_slow_times_out_without_500(app, client, give, mollie):
    app.config["PAYMENT_HTTP_TIMEOUT"] = 0.5
    mollie.fail_next(1, delay_seconds=1.5, method="POST", path="/v2/payments$")
    response = give("25.00")
    assert response.status_code == 503
    # The provider did create the payment after all: the retry gets that same one back.
    response = give("25.00")
    assert response.status_code == 303
    assert len(mollie.payments) == 1


def test_reconcile_applies_expired_payments(app, client, give, mollie, runner):
    from datetime import timedelta

    from marketplace.timeutil import utcnow

    contribution = start(client, give, mollie)
    mollie.pay(contribution.provider_payment_id)
    contribution.checkout_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    report = reconcile.reconcile_payments()
    assert report.checked == 1 and report.changed == 1
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
