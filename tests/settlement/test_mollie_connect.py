"""Mollie Connect through the real mollie-api-python client (and requests-oauthlib) against the
fake: gifts held by the platform until the initiative's organisation is onboarded, then routed
to it; later gifts created on behalf of the organisation with the tip as application fee."""

import json
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from sqlalchemy import select

from marketplace.donations.models import Contribution, ContributionStatus
from marketplace.extensions import db
from marketplace.payouts import accounts, ledger
from marketplace.payouts.models import AccountStatus, PayoutAccount, SourceKind, Transfer
from marketplace.settlement.transfers import reconcile_transfers
from marketplace.timeutil import utcnow
from tests.fakes import mollie_client
from tests.settlement.conftest import give

PLATFORM = "org_platform01"


def pay(client, fake, gift):
    fake.pay(gift.provider_payment_id)
    assert client.post("/webhooks/mollie", data={"id": gift.provider_payment_id}).status_code == 200
    db.session.refresh(gift)
    return gift


def connect(owner_client, fake, initiative, deny=False):
    """The owner connects: our page → Mollie's authorize page → back with a code."""
    response = owner_client.post(f"/initiatives/{initiative.slug}/payouts/connect")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"{fake.url}/oauth2/authorize?")
    back = fake.authorize(location, name="Stichting Buurtkeuken", deny=deny)
    parts = urlsplit(back)
    assert parts.path == "/payouts/connect/return"
    return owner_client.get(f"{parts.path}?{parts.query}")


def test_gifts_are_held_until_the_organisation_is_onboarded_then_routed(
    browser, donor, owner, initiative, mollie_connect
):
    fake = mollie_connect
    donor_client, owner_client = browser(donor), browser(owner)
    held_gift = pay(donor_client, fake, give(donor_client, initiative, "25.00", tip="2.50"))
    assert fake.org_of_payment(held_gift.provider_payment_id) == PLATFORM
    assert held_gift.charged_cents == 2750 and held_gift.destination_account is None
    payout = ledger.find_payout(SourceKind.GIFT, held_gift.id)
    assert (payout.held_cents, payout.transferred_cents) == (2500, 0)

    response = connect(owner_client, fake, initiative)
    assert response.status_code == 302
    account = accounts.account_for(initiative.id, "mollie")
    assert account.account_id.startswith("org_") and account.status == AccountStatus.PENDING
    assert account.profile_id.startswith("pfl_")
    assert json.loads(account.oauth_token)["access_token"].startswith("access_")
    page = owner_client.get(f"/initiatives/{initiative.slug}/payouts")
    assert 'data-status="pending"' in page.get_data(as_text=True)

    fake.set_onboarding(account.account_id, "completed")
    response = owner_client.post(f"/initiatives/{initiative.slug}/payouts/refresh")
    assert response.status_code == 302
    db.session.refresh(account)
    assert account.status == AccountStatus.ACTIVE
    routes = fake.routes_of(held_gift.provider_payment_id)
    assert [(r.amount, r.organization_id) for r in routes] == [(2500, account.account_id)]
    payout = ledger.find_payout(SourceKind.GIFT, held_gift.id)
    assert (payout.held_cents, payout.transferred_cents) == (0, 2500)
    transfer = db.session.scalars(select(Transfer)).one()
    assert transfer.status.value == "paid" and transfer.amount_cents == 2500

    direct = pay(donor_client, fake, give(donor_client, initiative, "40.00", tip="4.00"))
    assert direct.status == ContributionStatus.PAID
    assert direct.destination_account == account.account_id
    assert fake.org_of_payment(direct.provider_payment_id) == account.account_id
    created = fake.requests_for("POST", "/v2/payments$")[-1].json
    assert created["profileId"] == account.profile_id
    assert created["applicationFee"]["amount"] == {"currency": "EUR", "value": "4.00"}
    assert created["amount"] == {"currency": "EUR", "value": "44.00"}
    payout = ledger.find_payout(SourceKind.GIFT, direct.id)
    assert (payout.held_cents, payout.direct_cents) == (0, 4000)

    report = reconcile_transfers(now=utcnow() + timedelta(hours=7))
    assert report.checked == 1 and report.flagged == 0
    assert report.fees_checked == 1 and report.fee_mismatches == 0


def test_a_refund_of_a_direct_gift_comes_from_the_organisation(
    app, browser, donor, owner, initiative, mollie_connect, make_user
):
    fake = mollie_connect
    donor_client, owner_client = browser(donor), browser(owner)
    connect(owner_client, fake, initiative)
    account = accounts.account_for(initiative.id, "mollie")
    fake.set_onboarding(account.account_id, "completed")
    owner_client.post(f"/initiatives/{initiative.slug}/payouts/refresh")
    gift = pay(donor_client, fake, give(donor_client, initiative, "20.00", tip="2.00"))

    admin = make_user(role="admin")
    admin_client = browser(admin)
    response = admin_client.post(f"/admin/donations/{gift.id}", data={"amount": "22.00"})
    assert response.status_code == 302
    refund = fake.requests_for("POST", r"/refunds$")[-1]
    assert refund.headers["Authorization"].startswith("Bearer access_")  # the organisation's
    db.session.refresh(gift)
    assert gift.net_cents == 0 and gift.platform_cents == 0
    payout = ledger.find_payout(SourceKind.GIFT, gift.id)
    # The organisation received 20.00 and paid back 22.00: the platform owes it the tip back.
    assert (payout.direct_cents, payout.held_cents, payout.owed_cents) == (-200, 200, 0)


def test_the_owner_denying_access_connects_nothing(browser, owner, initiative, mollie_connect):
    response = connect(browser(owner), mollie_connect, initiative, deny=True)
    assert response.status_code == 302
    assert accounts.account_for(initiative.id, "mollie") is None


def test_a_stale_return_without_our_state_is_refused(browser, owner, initiative, mollie_connect):
    owner_client = browser(owner)
    owner_client.post(f"/initiatives/{initiative.slug}/payouts/connect")
    response = owner_client.get("/payouts/connect/return?code=auth_forged&state=not-ours")
    assert response.status_code == 302
    assert accounts.account_for(initiative.id, "mollie") is None
    assert owner_client.get("/payouts/connect/return?code=x&state=y").status_code == 404


def test_an_expired_access_token_is_refreshed_and_stored(
    browser, owner, initiative, mollie_connect
):
    fake = mollie_connect
    owner_client = browser(owner)
    connect(owner_client, fake, initiative)
    account = accounts.account_for(initiative.id, "mollie")
    token = json.loads(account.oauth_token)
    token["expires_at"] = time.time() - 60
    account.oauth_token = json.dumps(token)
    db.session.commit()
    fake.set_onboarding(account.account_id, "in-review")

    owner_client.post(f"/initiatives/{initiative.slug}/payouts/refresh")
    account = db.session.get(PayoutAccount, account.id)
    assert account.status == AccountStatus.IN_REVIEW
    renewed = json.loads(account.oauth_token)
    assert renewed["access_token"] != token["access_token"]
    assert fake.token_requests[-1]["grant_type"] == "refresh_token"
    assert token["access_token"] not in fake.access_tokens  # the old one stopped working


def test_someone_elses_payouts_page_is_not_found(browser, donor, initiative, mollie_connect):
    donor_client = browser(donor)
    assert donor_client.get(f"/initiatives/{initiative.slug}/payouts").status_code == 404
    assert donor_client.post(f"/initiatives/{initiative.slug}/payouts/connect").status_code == 404
    assert donor_client.get(f"/initiatives/{initiative.slug}/statements/2026-01").status_code == 404


def test_a_webhook_for_a_payment_of_an_unknown_organisation_changes_nothing(
    browser, donor, initiative, mollie_connect
):
    """Another platform's connected organisation: its payment is not ours to see or credit."""
    fake = mollie_connect
    redirect = "https://elsewhere.example/cb"
    back = fake.authorize(
        f"{fake.url}/oauth2/authorize?client_id={fake.oauth_client_id}&redirect_uri={redirect}"
        "&state=s",
        name="Elders",
    )
    code = back.split("code=")[1].split("&")[0]
    token = requests.post(
        f"{fake.url}/oauth2/tokens",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
        auth=(fake.oauth_client_id, fake.oauth_client_secret),
        timeout=5,
    ).json()["access_token"]
    elsewhere = mollie_client(fake)
    elsewhere.set_access_token(token)
    org = fake.access_tokens[token]
    payment = elsewhere.payments.create(
        {
            "amount": {"currency": "EUR", "value": "10.00"},
            "description": "Not ours",
            "redirectUrl": "https://elsewhere.example/done",
            "profileId": fake.orgs[org].profile_id,
        }
    )
    fake.pay(payment.id)
    before = db.session.query(Contribution).count()
    response = browser(donor).post("/webhooks/mollie", data={"id": payment.id})
    assert response.status_code == 200
    assert db.session.query(Contribution).count() == before
    assert db.session.scalars(select(Transfer)).all() == []
