"""Stripe Connect through the official stripe client against the fake: Express onboarding,
held gifts transferred once the account is active, destination charges with the tip and fee
as application fee, Connect webhooks (signed with the Connect endpoint's secret)."""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.donations.models import ContributionStatus
from marketplace.extensions import db
from marketplace.payouts import accounts, ledger
from marketplace.payouts.models import AccountStatus, PayoutAccount, SourceKind, Transfer
from marketplace.settlement.transfers import reconcile_transfers
from marketplace.timeutil import utcnow
from tests.donations.conftest import STRIPE_SECRET
from tests.fakes import signed_event
from tests.settlement.conftest import CONNECT_SECRET, give


def send(client, event, secret=STRIPE_SECRET):
    body, header = signed_event(event, secret)
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def paid(client, fake, gift):
    fake.complete_session(gift.provider_payment_id)
    assert send(client, fake.last_event("checkout.session.completed")).status_code == 200
    db.session.refresh(gift)
    return gift


def onboard(owner_client, fake, initiative, action="complete"):
    """Our page → Stripe's hosted onboarding (an Express account) → back to us."""
    response = owner_client.post(f"/initiatives/{initiative.slug}/payouts/connect")
    assert response.status_code == 303
    page = urlsplit(response.headers["Location"])
    assert page.path.startswith("/connect/onboarding/acct_")
    account_id = page.path.rsplit("/", 1)[1]
    back = fake_post(fake, page.path, action)
    assert urlsplit(back).path in (
        "/payouts/connect/return",
        f"/initiatives/{initiative.slug}/payouts/connect",
    )
    return account_id, owner_client.get(urlsplit(back).path)


def fake_post(fake, path, action):
    import requests

    response = requests.post(
        f"{fake.url}{path}", data={"action": action}, allow_redirects=False, timeout=5
    )
    assert response.status_code == 303
    return response.headers["Location"]


def test_held_gifts_are_transferred_when_the_express_account_is_active(
    browser, donor, owner, initiative, stripe_connect
):
    fake = stripe_connect
    donor_client, owner_client = browser(donor), browser(owner)
    held = paid(donor_client, fake, give(donor_client, initiative, "25.00", tip="2.50"))
    assert held.status == ContributionStatus.PAID and held.charged_cents == 2750
    session = fake.requests_for("POST", "/v1/checkout/sessions$")[0]
    assert "payment_intent_data[transfer_data][destination]" not in session.text
    assert "line_items[1][price_data][unit_amount]=250" in session.text  # the tip, apart
    assert ledger.find_payout(SourceKind.GIFT, held.id).held_cents == 2500

    account_id, response = onboard(owner_client, fake, initiative)
    assert response.status_code == 302
    account = accounts.account_for(initiative.id, "stripe")
    assert account.account_id == account_id and account.status == AccountStatus.ACTIVE
    created = fake.requests_for("POST", "/v1/accounts$")[0]
    assert (
        "type=express" in created.text and "capabilities[transfers][requested]=true" in created.text
    )
    transfer = db.session.scalars(select(Transfer)).one()
    assert transfer.provider_reference in fake.transfers
    sent = fake.transfers[transfer.provider_reference]
    assert (sent["amount"], sent["destination"]) == (2500, account_id)
    assert (
        fake.requests_for("POST", "/v1/transfers$")[0].idempotency_key
        == f"payout-transfer-{transfer.id}"
    )
    payout = ledger.find_payout(SourceKind.GIFT, held.id)
    assert (payout.held_cents, payout.transferred_cents) == (0, 2500)

    direct = paid(donor_client, fake, give(donor_client, initiative, "40.00", tip="4.00"))
    assert direct.destination_account == account_id
    session = fake.requests_for("POST", "/v1/checkout/sessions$")[-1]
    assert f"payment_intent_data[transfer_data][destination]={account_id}" in session.text
    assert "payment_intent_data[application_fee_amount]=400" in session.text
    payout = ledger.find_payout(SourceKind.GIFT, direct.id)
    assert (payout.direct_cents, payout.held_cents) == (4000, 0)

    report = reconcile_transfers(now=utcnow() + timedelta(hours=7))
    assert (report.checked, report.flagged) == (1, 0)
    assert (report.fees_checked, report.fee_mismatches) == (1, 0)


def test_a_refund_of_a_destination_charge_is_netted_from_the_next_transfer(
    browser, donor, owner, initiative, stripe_connect, make_user
):
    fake = stripe_connect
    donor_client, owner_client = browser(donor), browser(owner)
    onboard(owner_client, fake, initiative)
    direct = paid(donor_client, fake, give(donor_client, initiative, "30.00"))
    admin_client = browser(make_user(role="admin"))
    assert (
        admin_client.post(f"/admin/donations/{direct.id}", data={"amount": "10.00"}).status_code
        == 302
    )
    payout = ledger.find_payout(SourceKind.GIFT, direct.id)
    # Stripe took the refund from the platform's balance: the initiative owes 10.00 back.
    assert (payout.direct_cents, payout.held_cents, payout.owed_cents) == (3000, -1000, 2000)

    account = accounts.account_for(initiative.id, "stripe")
    fake.restrict(account.account_id)
    send(donor_client, fake.last_event("account.updated"), CONNECT_SECRET)
    db.session.refresh(account)
    assert account.status == AccountStatus.RESTRICTED
    later = paid(donor_client, fake, give(donor_client, initiative, "25.00"))
    assert later.destination_account is None  # not active: the platform receives it
    fake.complete_onboarding(account.account_id)
    assert send(donor_client, fake.last_event("account.updated"), CONNECT_SECRET).status_code == 200
    transfer = db.session.scalars(select(Transfer).order_by(Transfer.id.desc())).first()
    assert transfer.amount_cents == 1500  # 25.00 held minus the 10.00 owed back


def test_a_connect_webhook_for_an_unknown_account_changes_nothing(browser, donor, stripe_connect):
    event = stripe_connect.connect_event("account.updated", "acct_SomeoneElses01")
    response = send(browser(donor), event, CONNECT_SECRET)
    assert response.status_code == 200
    assert db.session.scalars(select(PayoutAccount)).all() == []


def test_onboarding_left_halfway_stays_pending_and_can_continue(
    browser, owner, initiative, stripe_connect
):
    fake = stripe_connect
    owner_client = browser(owner)
    account_id, _response = onboard(owner_client, fake, initiative, action="leave")
    account = accounts.account_for(initiative.id, "stripe")
    assert account.status == AccountStatus.PENDING
    page = owner_client.get(f"/initiatives/{initiative.slug}/payouts").get_data(as_text=True)
    assert 'data-status="pending"' in page and "external_account" in page
    # An expired link sends the owner back for a fresh one, for the same account.
    again = owner_client.get(f"/initiatives/{initiative.slug}/payouts/connect")
    assert again.status_code == 303 and account_id in again.headers["Location"]
    assert len(fake.requests_for("POST", "/v1/accounts$")) == 1
