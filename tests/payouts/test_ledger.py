"""The money invariant with platform income and payouts: every gift's ledger sums to what reached
the initiative, and its payout holds exactly that, wherever the money is (held → transferred)."""

import random

import pytest
from sqlalchemy import func, select

from marketplace.donations.models import Contribution, ContributionEvent, EventKind
from marketplace.extensions import db
from marketplace.payouts import accounts, ledger, transfers
from marketplace.payouts.models import (
    AccountStatus,
    Payout,
    PayoutEvent,
    PayoutEventKind,
    SourceKind,
    TransferStatus,
)
from tests.payouts.conftest import answer


def ledger_total(contribution_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(ContributionEvent.amount_cents), 0)).where(
            ContributionEvent.contribution_id == contribution_id
        )
    )


def payout_of(contribution) -> Payout | None:
    return ledger.find_payout(SourceKind.GIFT, contribution.id)


def assert_exact(contribution) -> None:
    """Ledger, net_cents, the split and the payout agree to the cent."""
    contribution = db.session.get(Contribution, contribution.id)
    assert ledger_total(contribution.id) == contribution.balance_cents
    assert contribution.net_cents == max(contribution.balance_cents, 0)
    split = contribution.split
    assert split.total == max(contribution.received_cents, 0)
    payout = payout_of(contribution)
    owed = payout.owed_cents if payout else 0
    assert owed == contribution.net_cents
    if payout:
        events = db.session.scalars(select(PayoutEvent).where(PayoutEvent.payout_id == payout.id))
        held = transferred = direct = 0
        for event in events:
            held += event.held_delta
            transferred += event.transferred_delta
            direct += event.direct_delta
        assert (held, transferred, direct) == (
            payout.held_cents,
            payout.transferred_cents,
            payout.direct_cents,
        )


def test_a_paid_gift_with_tip_and_fee_is_held_for_the_initiative(gift):
    paid = gift(amount=2500, tip=250, fee=100)
    assert paid.net_cents == 2400
    assert paid.platform_cents == 350
    kinds = {e.kind: e.amount_cents for e in paid.events if e.kind != EventKind.STATUS}
    assert kinds == {EventKind.PAYMENT: 2750, EventKind.TIP: -250, EventKind.FEE: -100}
    payout = payout_of(paid)
    assert (payout.held_cents, payout.transferred_cents, payout.direct_cents) == (2400, 0, 0)
    assert payout.events[0].kind == PayoutEventKind.HELD
    assert_exact(paid)


def test_net_cents_is_the_same_in_sql_and_python(gift):
    paid = gift(amount=2500, tip=250, fee=100)
    refunded = answer(paid, refunds=[("re_sql_1", 2600, "EUR", "refunded")])
    in_sql = db.session.scalar(select(Contribution.net_cents).where(Contribution.id == refunded.id))
    assert in_sql == refunded.net_cents == 0
    assert refunded.platform_cents == 150  # the tip minus what the share could not cover


def test_refunds_reduce_what_is_held_and_the_platform_part_last(gift):
    paid = gift(amount=2500, tip=250, fee=100)
    paid = answer(paid, refunds=[("re_part_1", 1000, "EUR", "refunded")])
    assert paid.net_cents == 1400
    assert payout_of(paid).held_cents == 1400
    assert_exact(paid)
    paid = answer(paid, refunds=[("re_part_2", 1750, "EUR", "refunded")])
    assert paid.net_cents == 0 and paid.platform_cents == 0
    assert payout_of(paid).held_cents == 0
    back = [e.amount_cents for e in paid.events if e.kind == EventKind.PLATFORM_REFUND]
    assert back == [350]
    assert_exact(paid)


def test_held_money_is_transferred_and_a_later_refund_is_netted(gift, initiative):
    first = gift(amount=5000)
    accounts.save_connection(initiative.id, "simulator", "simacct_test")
    account = accounts.account_for(initiative.id, "simulator")
    accounts.update_state(account.id, AccountStatus.ACTIVE)
    batch = transfers.claim_batch(initiative.id, "simulator", "simacct_test")
    assert batch.amount_cents == 5000 and batch.status == TransferStatus.PENDING
    assert payout_of(first).held_cents == 0 and payout_of(first).transferred_cents == 5000
    assert transfers.claim_batch(initiative.id, "simulator", "simacct_test") is None  # claimed

    first = answer(first, refunds=[("re_after_1", 2000, "EUR", "refunded")])
    assert payout_of(first).held_cents == -2000  # the initiative owes it back
    assert_exact(first)
    second = gift(amount=3000)
    batch = transfers.claim_batch(initiative.id, "simulator", "simacct_test")
    assert batch.amount_cents == 1000  # 3000 held minus 2000 owed back
    parts = transfers.transfer_parts(batch)
    assert [(p.payment_reference, p.amount_cents) for p in parts] == [
        (second.provider_payment_id, 1000)
    ]
    assert_exact(first)
    assert_exact(second)


def test_a_refused_transfer_puts_the_money_back_as_held(gift, initiative):
    paid = gift(amount=4000)
    batch = transfers.claim_batch(initiative.id, "simulator", "simacct_x")
    transfers.mark_failed(batch.id, "account closed")
    payout = payout_of(paid)
    assert (payout.held_cents, payout.transferred_cents) == (4000, 0)
    assert [e.kind for e in payout.events][-1] == PayoutEventKind.TRANSFER_FAILED
    assert_exact(paid)


def test_hold_records_an_investment_once_and_follows_its_total(initiative):
    ledger.hold(initiative.id, "investment", 77, 100000, provider="simulator")
    ledger.hold(initiative.id, "investment", 77, 100000, provider="simulator")
    payout = ledger.find_payout("investment", 77)
    assert payout.held_cents == 100000 and len(payout.events) == 1
    ledger.hold(initiative.id, "investment", 77, 60000)
    assert payout.held_cents == 60000 and len(payout.events) == 2
    with pytest.raises(ValueError):
        ledger.hold(initiative.id, "investment", 78, -1)


@pytest.mark.parametrize("seed", range(8))
def test_random_money_events_keep_ledger_and_payout_exact(seed, gift, initiative):
    rng = random.Random(seed)
    amount, tip = rng.randint(100, 20000), rng.choice([0, rng.randint(1, 500)])
    fee = rng.randint(0, amount // 10)
    paid = gift(amount=amount, tip=min(tip, amount - fee), fee=fee)
    refunds, chargebacks = {}, {}
    for step in range(15):
        roll = rng.random()
        remaining = paid.received_cents - sum(r[1] for r in refunds.values() if r[3] == "pending")
        if roll < 0.35 and remaining > 0:
            refunds[f"re_{seed}_{step}"] = [f"re_{seed}_{step}", rng.randint(1, remaining), "EUR",
                                            "pending"]  # fmt: skip
        elif roll < 0.55 and refunds:
            key = rng.choice(list(refunds))
            refunds[key][3] = rng.choice(["refunded", "failed"])
        elif roll < 0.7 and paid.received_cents > 1:
            key = f"chb_{seed}_{step}"
            chargebacks[key] = (key, rng.randint(1, paid.received_cents), "EUR")
        elif roll < 0.85:
            batch = transfers.claim_batch(initiative.id, "simulator", "simacct_rand")
            if batch is not None and rng.random() < 0.3:
                transfers.mark_failed(batch.id, "refused")
        paid = answer(paid, refunds=[tuple(r) for r in refunds.values()],
                      chargebacks=list(chargebacks.values()))  # fmt: skip
        assert_exact(paid)


def test_refunds_beyond_the_payment_go_below_zero_and_are_flagged(gift):
    paid = gift(amount=2000, tip=200, fee=100)
    paid = answer(
        paid,
        refunds=[("re_all_1", 2200, "EUR", "refunded")],
        chargebacks=[("chb_too_1", 500, "EUR")],
    )
    assert paid.balance_cents == -500 == ledger_total(paid.id)
    assert paid.net_cents == 0 and paid.flagged
    in_sql = db.session.scalar(select(Contribution.balance_cents).where(Contribution.id == paid.id))
    assert in_sql == -500
    assert_exact(paid)
