"""A funded offer's money is held by the platform for the initiative, per subscription payment,
in the payouts ledger, and transferred with its gifts once the initiative's account is active."""

import pytest
from sqlalchemy import select

from marketplace.donations.simulator_state import SimulatorAccount, SimulatorTransfer
from marketplace.extensions import db
from marketplace.payouts import accounts
from marketplace.payouts.models import AccountStatus, Payout, SourceKind
from marketplace.settlement.statements import monthly_statement
from marketplace.settlement.transfers import transfer_held
from marketplace.timeutil import utcnow
from tests.investments.conftest import close_now, pass_checks, subscribe_paid


@pytest.fixture
def investors(make_user):
    return [pass_checks(make_user(name=f"Belegger {n}")) for n in range(2)]


def test_a_funded_offer_is_held_then_transferred(investors, make_offer, initiative):
    offer = make_offer(target="1000.00", maximum="1000.00")
    first = subscribe_paid(offer, investors[0], "600.00")
    second = subscribe_paid(offer, investors[1], "400.00")
    assert close_now(offer) == "funded"
    held = db.session.scalars(
        select(Payout).where(Payout.source_kind == SourceKind.INVESTMENT).order_by(Payout.id)
    ).all()
    assert [(p.source_id, p.held_cents, p.payment_reference) for p in held] == [
        (first.id, 60000, first.provider_payment_id),
        (second.id, 40000, second.provider_payment_id),
    ]
    assert close_now(offer) is None  # closing again holds nothing twice
    assert db.session.query(Payout).count() == 2

    statement = monthly_statement(initiative, utcnow())
    assert statement.investments == 100000 and statement.held_end == 100000

    db.session.add(SimulatorAccount(id="simacct_offer", initiative_id=initiative.id))
    accounts.save_connection(initiative.id, "simulator", "simacct_offer")
    account = accounts.account_for(initiative.id, "simulator")
    accounts.update_state(account.id, AccountStatus.ACTIVE)
    transfer = transfer_held(initiative.id)
    assert transfer.amount_cents == 100000
    assert db.session.scalars(select(SimulatorTransfer.amount_cents)).all() == [100000]
