"""PostgreSQL only: 20 concurrent duplicate webhooks give one paid transition, one ledger row,
one contribution_changed signal."""

import contextlib
import os
import threading

import pytest
from sqlalchemy import select

from marketplace import signals
from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus
from marketplace.extensions import db
from tests.donations.conftest import configured
from tests.fakes import fake_mollie

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) for real row locks",
)


@contextlib.contextmanager
def mollie_configured(app, **settings):
    """The Mollie fake, and the app configured to use it (committed tests: no fixtures)."""
    with (
        fake_mollie() as mollie,
        configured(
            app,
            PAYMENT_PROVIDER="mollie",
            MOLLIE_API_KEY="test_fakefakefakefakefakefakefakefa",
            MOLLIE_API_ENDPOINT=mollie.url,
            CHECKOUT_RATE_LIMIT="10000 per minute",
            **settings,
        ),
    ):
        yield mollie


@pytest.mark.committed_db
def test_twenty_concurrent_duplicate_webhooks_credit_once(app, make_user, make_initiative):
    donor = make_user()
    initiative = make_initiative()
    with mollie_configured(app) as mollie:
        from marketplace.donations.checkout import start_checkout

        contribution = start_checkout(donor, initiative.id, "25.00")
        payment_id = contribution.provider_payment_id
        contribution_id = contribution.id
        mollie.pay(payment_id)
        db.session.remove()

        barrier = threading.Barrier(20)
        codes = []

        def deliver():
            with app.app_context():
                client = app.test_client()
                barrier.wait()
                codes.append(client.post("/webhooks/mollie", data={"id": payment_id}).status_code)
                db.session.remove()

        changes = []

        def record(sender, **facts):
            changes.append(facts["contribution_id"])

        threads = [threading.Thread(target=deliver) for _ in range(20)]
        with signals.contribution_changed.connected_to(record):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)

    assert codes == [200] * 20
    assert changes == [contribution_id]
    contribution = db.session.get(Contribution, contribution_id)
    assert contribution.status == ContributionStatus.PAID
    events = db.session.scalars(
        select(ContributionEvent).where(ContributionEvent.contribution_id == contribution_id)
    ).all()
    assert [(e.kind.value, e.amount_cents) for e in events] == [("payment", 2500)]


@pytest.mark.committed_db
def test_three_workers_drain_a_queued_burst_each_webhook_applied_once(
    app, make_user, make_initiative
):
    """WEBHOOKS_QUEUED: 24 gifts' webhooks, each delivered twice, stored by 8 threads; three
    workers then drain the inbox at the same time (FOR UPDATE SKIP LOCKED claims)."""
    from marketplace.donations import inbox
    from marketplace.donations.checkout import start_checkout

    donor = make_user()
    initiative = make_initiative()
    with mollie_configured(app, WEBHOOKS_QUEUED=True) as mollie:
        payment_ids = [
            start_checkout(donor, initiative.id, f"{10 + n}.00").provider_payment_id
            for n in range(24)
        ]
        for payment_id in payment_ids:
            mollie.pay(payment_id)
        db.session.remove()

        def in_threads(count, target):
            threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)

        codes = []

        def deliver(n):
            with app.app_context():
                client = app.test_client()
                for payment_id in (payment_ids * 2)[n::8]:
                    response = client.post("/webhooks/mollie", data={"id": payment_id})
                    codes.append(response.status_code)
                db.session.remove()

        applied = []

        def drain(_n):
            with app.app_context():
                applied.append(inbox.work(batch=3, once=True).applied)
                db.session.remove()

        in_threads(8, deliver)
        assert codes == [200] * 48
        in_threads(3, drain)

    assert sum(applied) == 24
    assert inbox.waiting() == 0
    paid = db.session.scalars(
        select(ContributionEvent.contribution_id).where(ContributionEvent.kind == "payment")
    ).all()
    assert len(paid) == len(set(paid)) == 24
    assert {c.status for c in db.session.scalars(select(Contribution))} == {ContributionStatus.PAID}
