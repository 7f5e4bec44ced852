"""The whole path with the built-in simulator, as `make run` shows it: a gift with a tip is held,
the owner connects a test account, the money is transferred, the statement adds up."""

import csv
import io
from datetime import date

from sqlalchemy import select

from marketplace.donations.simulator_state import SimulatorTransfer
from marketplace.extensions import db
from marketplace.payouts import accounts, ledger
from marketplace.payouts.models import AccountStatus, SourceKind
from marketplace.settlement.statements import monthly_statement
from marketplace.timeutil import amsterdam_month, utcnow
from tests.donations.conftest import configured
from tests.settlement.conftest import give


def pay_in_simulator(client, gift):
    response = client.post(
        f"/donations/simulator/{gift.provider_payment_id}", data={"outcome": "paid"}
    )
    assert response.status_code == 303
    db.session.refresh(gift)
    return gift


def connect_simulator(owner_client, initiative, outcome="active"):
    response = owner_client.post(f"/initiatives/{initiative.slug}/payouts/connect")
    assert response.status_code == 303
    onboarding = response.headers["Location"]
    assert onboarding.startswith("/payouts/simulator/simacct_")
    assert "TEST" in owner_client.get(onboarding).get_data(as_text=True)
    back = owner_client.post(onboarding, data={"outcome": outcome})
    assert back.status_code == 303
    return owner_client.get(back.headers["Location"].replace("http://127.0.0.1:5000", ""))


def test_held_then_transferred_then_direct_with_a_statement_that_adds_up(
    app, browser, donor, owner, initiative
):
    donor_client, owner_client = browser(donor), browser(owner)
    with configured(app, PLATFORM_FEE_FIXED="0.25", PLATFORM_FEE_PERCENT="1"):
        form = donor_client.get(f"/initiatives/{initiative.slug}/give").get_data(as_text=True)
        assert "0,25 plus 1%" in form.replace("\xa0", " ").replace(
            "€ ", ""
        )  # the fee, shown before paying
        held = pay_in_simulator(donor_client, give(donor_client, initiative, "50.00", tip="5.00"))
        assert (held.amount_cents, held.tip_cents, held.fee_cents) == (5000, 500, 75)
        assert held.net_cents == 4925
        receipt_page = donor_client.get(f"/donations/{held.id}/return").get_data(as_text=True)
        assert "5,00" in receipt_page

        connect_simulator(owner_client, initiative)
        account = accounts.account_for(initiative.id, "simulator")
        assert account.status == AccountStatus.ACTIVE
        transfer = db.session.scalars(select(SimulatorTransfer)).one()
        assert (transfer.amount_cents, transfer.account_id) == (4925, account.account_id)
        payout = ledger.find_payout(SourceKind.GIFT, held.id)
        assert (payout.held_cents, payout.transferred_cents) == (0, 4925)

        direct = pay_in_simulator(donor_client, give(donor_client, initiative, "20.00"))
        assert direct.destination_account == account.account_id
        assert ledger.find_payout(SourceKind.GIFT, direct.id).direct_cents == 1955

    statement = monthly_statement(initiative, amsterdam_month(utcnow()))
    assert statement.gifts == 7000 and statement.tips == 500 and statement.fees == 120
    assert statement.net_gifts == 4925 + 1955
    assert statement.received == statement.net_gifts
    assert statement.transferred == 4925 and statement.paid_direct == 1955
    assert (
        statement.held_start + statement.received - statement.paid_direct - (statement.transferred)
        == statement.held_end
        == 0
    )

    month = f"{date.today():%Y-%m}"
    page = owner_client.get(f"/initiatives/{initiative.slug}/statements/{month}")
    assert page.status_code == 200 and "70,00" in page.get_data(as_text=True)
    rows = list(
        csv.reader(io.StringIO(owner_client.get(
            f"/initiatives/{initiative.slug}/statements/{month}.csv").get_data(as_text=True)))
    )  # fmt: skip
    summary = {row[3]: row[4] for row in rows if len(row) > 3 and row[1] == "summary"}
    assert summary["gifts"] == "70.00" and summary["held_end"] == "0.00"
    assert summary["transferred"] == "49.25" and summary["fees"] == "1.20"
    pdf = owner_client.get(f"/initiatives/{initiative.slug}/statements/{month}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_onboarding_in_review_keeps_gifts_held(browser, donor, owner, initiative):
    donor_client, owner_client = browser(donor), browser(owner)
    connect_simulator(owner_client, initiative, outcome="in_review")
    account = accounts.account_for(initiative.id, "simulator")
    assert account.status == AccountStatus.IN_REVIEW
    gift = pay_in_simulator(donor_client, give(donor_client, initiative, "15.00"))
    assert gift.destination_account is None
    assert ledger.find_payout(SourceKind.GIFT, gift.id).held_cents == 1500
    detail = owner_client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="owner-onboarding-status"' in detail


def receipt_of(outbox, gift) -> str:
    """The receipt mail of one gift (mail files of the same second come in no fixed order)."""
    for message in outbox():
        text = message.get_body(("plain",)).get_content()
        if f"IB-{gift.id:06d}" in text:
            return text
    raise AssertionError(f"no receipt for gift {gift.id}")


def test_the_receipt_names_who_received_the_money(app, browser, donor, owner, initiative, outbox):
    donor_client = browser(donor)
    held = pay_in_simulator(donor_client, give(donor_client, initiative, "10.00", tip="1.00"))
    text = receipt_of(outbox, held)
    assert "Impactbeurs, namens Stichting Buurtkeuken" in text
    assert "Fooi:" in text and "1,00" in text
    connect_simulator(browser(owner), initiative)
    direct = pay_in_simulator(donor_client, give(donor_client, initiative, "12.00"))
    text = receipt_of(outbox, direct)
    assert (
        "Stichting Buurtkeuken, rechtstreeks op haar eigen rekening bij de betaalsimulator" in text
    )


def test_an_unreadable_statement_month_is_not_found(browser, owner, initiative):
    owner_client = browser(owner)
    for month in ("2026-13", "1999-01", "nonsense", "2026-01.xls"):
        response = owner_client.get(f"/initiatives/{initiative.slug}/statements/{month}")
        assert response.status_code == 404
