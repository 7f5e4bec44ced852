"""signals.contribution_changed: sent by the status path after its commit, once per real change."""

import contextlib
from datetime import UTC, timedelta

from sqlalchemy import select

from marketplace import signals
from marketplace.donations import reconcile, refunds
from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus
from marketplace.extensions import db
from marketplace.timeutil import as_utc, utcnow


@contextlib.contextmanager
def received(raising: bool = False):
    """The facts of every contribution_changed sent inside the block (optionally also a receiver
    that raises, connected first)."""
    calls = []

    def record(sender, **facts):
        calls.append(facts)

    def explode(sender, **facts):
        raise RuntimeError("a listener of another domain failed")

    with contextlib.ExitStack() as stack:
        if raising:
            stack.enter_context(signals.contribution_changed.connected_to(explode))
        stack.enter_context(signals.contribution_changed.connected_to(record))
        yield calls


def start(give) -> Contribution:
    response = give("25.00")
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalars(select(Contribution).order_by(Contribution.id.desc())).first()


def webhook(client, contribution):
    return client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})


def test_paid_webhook_sends_one_signal_with_the_facts(client, give, mollie, donor, initiative):
    contribution = start(give)
    mollie.pay(contribution.provider_payment_id)
    with received() as calls:
        assert webhook(client, contribution).status_code == 200
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
    assert calls == [
        {
            "contribution_id": contribution.id,
            "initiative_id": initiative.id,
            "user_id": donor.id,
            "organisation_id": None,
            "paid_at": as_utc(contribution.paid_at),
            "newly_paid": True,
        }
    ]
    assert calls[0]["paid_at"].tzinfo == UTC


def test_replayed_webhook_sends_nothing(client, give, mollie):
    contribution = start(give)
    mollie.pay(contribution.provider_payment_id)
    webhook(client, contribution)
    with received() as calls:
        assert webhook(client, contribution).status_code == 200
        assert webhook(client, contribution).status_code == 200
    assert calls == []


def test_open_payment_checked_again_sends_nothing(client, give, mollie):
    contribution = start(give)
    with received() as calls:
        assert webhook(client, contribution).status_code == 200
    assert calls == []


def test_refund_sends_one_signal_not_newly_paid(client, give, mollie, make_user):
    contribution = start(give)
    mollie.pay(contribution.provider_payment_id)
    webhook(client, contribution)
    db.session.refresh(contribution)
    paid_at = as_utc(contribution.paid_at)
    with received() as calls:
        refunds.refund_contribution(make_user(role="admin"), contribution.id, "10.00")
        webhook(client, contribution)  # the provider's own webhook about that refund: a replay
    assert [(c["contribution_id"], c["newly_paid"], c["paid_at"]) for c in calls] == [
        (contribution.id, False, paid_at)
    ]


def test_chargeback_and_its_reversal_each_send_one(client, give, mollie):
    contribution = start(give)
    mollie.pay(contribution.provider_payment_id)
    webhook(client, contribution)
    with received() as calls:
        chargeback = mollie.add_chargeback(contribution.provider_payment_id, 2500)
        webhook(client, contribution)
        webhook(client, contribution)
        mollie.reverse_chargeback(chargeback)
        webhook(client, contribution)
    assert len(calls) == 2 and not any(c["newly_paid"] for c in calls)


def test_expired_sends_one_without_paid_at(client, give, mollie):
    contribution = start(give)
    mollie.expire(contribution.provider_payment_id)
    with received() as calls:
        webhook(client, contribution)
    assert [(c["newly_paid"], c["paid_at"]) for c in calls] == [(False, None)]


def test_amount_mismatch_is_flagged_without_a_signal(client, give, mollie):
    contribution = start(give)
    mollie.set_amount(contribution.provider_payment_id, 100)
    mollie.pay(contribution.provider_payment_id)
    with received() as calls:
        webhook(client, contribution)
    db.session.refresh(contribution)
    assert contribution.flagged and calls == []


def test_reconcile_expiring_an_unstarted_gift_sends_one(give, mollie):
    mollie.fail_next(1, status=503, method="POST", path="/v2/payments$")
    assert give("25.00").status_code == 503
    contribution = db.session.scalars(select(Contribution)).one()
    with received() as calls:
        report = reconcile.reconcile_payments(now=utcnow() + timedelta(hours=2))
    assert report.expired_unstarted == 1
    assert [c["contribution_id"] for c in calls] == [contribution.id]


def test_failing_receiver_neither_undoes_the_payment_nor_fails_the_webhook(
    client, give, mollie, initiative
):
    contribution = start(give)
    mollie.pay(contribution.provider_payment_id)
    with received(raising=True) as calls:
        response = webhook(client, contribution)
    assert response.status_code == 200
    assert response.get_json() == {"received": True}
    assert len(calls) == 1  # the other receiver still heard it
    db.session.expire_all()
    contribution = db.session.get(Contribution, contribution.id)
    assert contribution.status == ContributionStatus.PAID
    assert contribution.net_cents == 2500
    kinds = db.session.scalars(
        select(ContributionEvent.kind).where(ContributionEvent.contribution_id == contribution.id)
    ).all()
    assert [k.value for k in kinds] == ["payment"]
