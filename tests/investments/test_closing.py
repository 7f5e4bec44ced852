"""Closing offers: funded (payout, investors told, figures fed), failed (every subscription
refunded once), resumable after a crash halfway, idempotent, and the CLI twin of the job."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import signals
from marketplace.extensions import db
from marketplace.figures.models import FunderSeries, InitiativeMonth
from marketplace.investments import payments
from marketplace.investments.closing import close_due_offers
from marketplace.investments.models import (
    EntryKind,
    Offer,
    OfferStatus,
    Payout,
    SubscriptionEvent,
    SubscriptionStatus,
)
from marketplace.investments.subscribe import start_subscription
from marketplace.mail.models import MailMessage
from marketplace.timeutil import utcnow
from tests.investments.conftest import (
    close_now,
    due_now,
    pass_checks,
    pay,
    simulator_refunds,
    subscribe_paid,
    subscriptions_of,
)


@pytest.fixture
def investors(make_user):
    return [pass_checks(make_user(name=f"Investor {n}")) for n in range(3)]


def refund_rows(subscription) -> list[int]:
    return list(
        db.session.scalars(
            select(SubscriptionEvent.amount_cents).where(
                SubscriptionEvent.subscription_id == subscription.id,
                SubscriptionEvent.kind == EntryKind.REFUND,
            )
        )
    )


def test_a_funded_offer_activates_pays_out_tells_investors_and_feeds_the_figures(
    investors, make_offer, initiative
):
    offer = make_offer(target="1000.00", maximum="1000.00")
    first = subscribe_paid(offer, investors[0], "600.00")
    second = subscribe_paid(offer, investors[1], "400.00")
    changes = []
    with signals.investment_changed.connected_to(lambda sender, **facts: changes.append(facts)):
        assert close_now(offer) == "funded"
    offer = db.session.get(Offer, offer.id)
    assert offer.status == OfferStatus.FUNDED and offer.funded_cents == 100000
    assert offer.repayment_start is not None
    assert [s.status for s in subscriptions_of(offer)] == [SubscriptionStatus.ACTIVE] * 2
    payout = db.session.scalar(select(Payout).where(Payout.offer_id == offer.id))
    assert (payout.amount_cents, payout.status, payout.initiative_id) == (
        100000, "pending", initiative.id
    )  # fmt: skip
    assert changes == [
        {"initiative_id": initiative.id, "offer_id": offer.id, "kind": "loan", "reason": "funded"}
    ]
    keys = set(db.session.scalars(select(MailMessage.key)))
    assert {f"offer-closed:{offer.id}:subscription:{s.id}" for s in (first, second)} <= keys
    invested = db.session.scalar(
        select(InitiativeMonth.invested_cents).where(InitiativeMonth.initiative_id == initiative.id)
    )
    assert invested == 100000
    series = db.session.scalars(
        select(FunderSeries).where(FunderSeries.initiative_id == initiative.id)
    ).all()
    assert sorted((s.user_id, s.kind, s.given_cents[-1]) for s in series) == sorted(
        [(investors[0].id, "loan", 60000), (investors[1].id, "loan", 40000)]
    )
    assert close_now(offer) is None  # closing again changes nothing


def test_a_missed_target_refunds_everyone_once(investors, make_offer):
    offer = make_offer(target="1000.00", maximum="1000.00")
    paid = [subscribe_paid(offer, investor, "300.00") for investor in investors[:2]]
    waiting = start_subscription(investors[2], offer.id, amount="100.00")
    assert close_now(offer) == "failed"
    report = close_due_offers()  # the sweep refunds what the failed offer owes
    assert report.refunds == 2 and report.refunds_waiting == 0
    for subscription in paid:
        db.session.refresh(subscription)
        assert subscription.status == SubscriptionStatus.REFUNDED
        assert subscription.refunded_cents == 30000
        assert [r["amount"] for r in simulator_refunds(subscription)] == [30000]
        assert refund_rows(subscription) == [-30000]
    db.session.refresh(waiting)
    assert waiting.status == SubscriptionStatus.UNPAID
    assert db.session.scalar(select(Payout.id)) is None
    # Paying the old checkout now is too late: it is refunded as well.
    late = pay(waiting)
    assert late.flagged and late.refunded_cents == 10000
    assert close_due_offers().refunds == 0


def test_refunds_finish_after_a_crash_halfway(investors, make_offer, monkeypatch):
    offer = make_offer(target="5000.00", maximum="5000.00")
    paid = [subscribe_paid(offer, investor, "500.00") for investor in investors]
    due_now(offer)

    real_apply = payments.apply_payment
    calls = {"n": 0}

    def crash_after_the_provider_refunded(subscription_id, payment, source="webhook"):
        calls["n"] += 1
        if calls["n"] == 2:  # the provider made the second refund; we die before recording it
            raise RuntimeError("the process was killed")
        return real_apply(subscription_id, payment, source)

    monkeypatch.setattr(payments, "apply_payment", crash_after_the_provider_refunded)
    with pytest.raises(RuntimeError):
        close_due_offers()
    db.session.rollback()
    assert db.session.get(Offer, offer.id).status == OfferStatus.FAILED
    assert [len(simulator_refunds(s)) for s in paid] == [1, 1, 0]
    assert [refund_rows(s) for s in paid] == [[-50000], [], []]

    monkeypatch.setattr(payments, "apply_payment", real_apply)
    report = close_due_offers()
    assert (report.refunds, report.refunds_waiting) == (2, 0)
    assert [len(simulator_refunds(s)) for s in paid] == [1, 1, 1]  # the provider's same refund
    assert [refund_rows(s) for s in paid] == [[-50000]] * 3
    assert close_due_offers().refunds == 0


def test_without_all_or_nothing_whatever_was_paid_is_funded(investors, make_offer):
    offer = make_offer(target="5000.00", maximum="5000.00", all_or_nothing=False)
    subscribe_paid(offer, investors[0], "700.00")
    assert close_now(offer) == "funded"
    assert db.session.get(Offer, offer.id).funded_cents == 70000


def test_the_cli_twin_closes_due_offers(runner, investors, make_offer):
    offer = make_offer(target="500.00", maximum="500.00")
    subscribe_paid(offer, investors[0], "500.00")
    not_due = make_offer()
    due_now(offer)
    result = runner.invoke(args=["offers", "close"])
    assert result.exit_code == 0, result.output
    assert "funded 1, failed 0" in result.output
    assert db.session.get(Offer, offer.id).status == OfferStatus.FUNDED
    assert db.session.get(Offer, not_due.id).status == OfferStatus.OPEN


def test_an_offer_is_decided_once_the_last_reflection_period_has_ended(investors, make_offer):
    offer = make_offer(target="500.00", maximum="500.00")
    late_subscriber = subscribe_paid(offer, investors[0], "500.00")
    offer.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert close_due_offers().funded == []  # the investor may still revoke
    assert db.session.get(Offer, offer.id).status == OfferStatus.OPEN
    late_subscriber.reflection_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert close_due_offers().funded == [offer.id]


def test_a_change_still_in_review_at_closing_time_is_decided_as_approved(
    owner, investors, make_offer
):
    from marketplace.investments import offers

    offer = make_offer(target="500.00", maximum="500.00")
    subscribe_paid(offer, investors[0], "500.00")
    offers.update_offer(owner, offer.id, {"risks": "Ook storm."})
    assert db.session.get(Offer, offer.id).status == OfferStatus.IN_REVIEW
    assert close_now(offer) == "funded"
