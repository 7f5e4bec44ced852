"""Money invariant: for any sequence of provider answers, paid − refunded − charged back equals
the ledger total, to the cent, and replays change nothing; what counts as given is never below
zero, and a gift that goes below zero is flagged."""

import random

import pytest

from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus
from marketplace.donations.providers.base import (
    ProviderChargeback,
    ProviderPayment,
    ProviderRefund,
)
from marketplace.donations.status import apply_payment_status
from marketplace.extensions import db


def ledger_total(contribution_id):
    return sum(
        e.amount_cents
        for e in db.session.query(ContributionEvent).filter_by(contribution_id=contribution_id)
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_event_sequences_keep_the_ledger_exact(seed, donor, initiative):
    rng = random.Random(seed)
    amount = rng.randint(100, 50000)
    contribution = Contribution(
        initiative_id=initiative.id, user_id=donor.id, amount_cents=amount, currency="EUR",
        provider="simulator", provider_payment_id=f"sim_inv_{seed}",
    )  # fmt: skip
    db.session.add(contribution)
    db.session.commit()
    refunds: dict[str, ProviderRefund] = {}
    chargebacks: dict[str, ProviderChargeback] = {}
    status = "open"
    answers = []
    for step in range(25):
        roll = rng.random()
        if roll < 0.3:
            status = rng.choice(["open", "pending", "paid", "failed", "canceled", "expired"])
        elif roll < 0.55 and status == "paid":
            rid = f"re_{seed}_{step}"
            refunds[rid] = ProviderRefund(rid, rng.randint(1, amount // 2 + 1), "EUR", "pending")
        elif roll < 0.7 and refunds:
            rid = rng.choice(list(refunds))
            refunds[rid] = ProviderRefund(
                rid, refunds[rid].amount_cents, "EUR", rng.choice(["refunded", "failed"])
            )
        elif roll < 0.85 and status == "paid":
            cid = f"chb_{seed}_{step}"
            chargebacks[cid] = ProviderChargeback(cid, rng.randint(1, amount), "EUR")
        elif chargebacks:
            cid = rng.choice(list(chargebacks))
            chargebacks[cid] = ProviderChargeback(cid, chargebacks[cid].amount_cents, "EUR", True)
        answer = ProviderPayment(
            payment_id=contribution.provider_payment_id, status=status, amount_cents=amount,
            currency="EUR", refunds=tuple(refunds.values()),
            chargebacks=tuple(chargebacks.values()),
        )  # fmt: skip
        answers.append(answer)
        apply_payment_status(contribution.id, answer)
        if rng.random() < 0.3 and answers:  # a late or replayed webhook
            apply_payment_status(contribution.id, rng.choice(answers))
        current = db.session.get(Contribution, contribution.id)
        assert ledger_total(contribution.id) == current.balance_cents
        assert current.net_cents == max(current.balance_cents, 0)
        if current.balance_cents < 0:
            assert current.flagged
        assert current.refunded_cents >= 0 and current.charged_back_cents >= 0
        if current.paid_at is not None:
            assert current.status in (
                ContributionStatus.PAID, ContributionStatus.PARTIALLY_REFUNDED,
                ContributionStatus.REFUNDED, ContributionStatus.CHARGED_BACK,
            )  # fmt: skip
