"""Money back: schedules per subscription in cents, instalments split to the cent over the
investors' ledgers, late instalments flagged and reminded once, a default written off, a member
leaving with the nominal value, and the schedule and repayments API."""

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.figures.models import FunderSeries, InitiativeMonth
from marketplace.investments import repayments
from marketplace.investments.models import (
    EntryKind,
    Offer,
    OfferStatus,
    SubscriptionEvent,
    SubscriptionStatus,
)
from marketplace.investments.positions import standings
from marketplace.mail.models import MailMessage
from tests.investments.conftest import (
    close_now,
    pass_checks,
    start_on,
    subscribe_paid,
    subscriptions_of,
)

START = date(2021, 1, 15)


@pytest.fixture
def funded_loan(make_offer, make_user):
    """€ 10.000 at 5% over 60 monthly annuity instalments from 15 January 2021, from three
    investors (€ 5.000, € 3.000 and € 2.000)."""
    offer = make_offer()
    investors = [pass_checks(make_user(name=f"Lener {n}")) for n in range(3)]
    for investor, amount in zip(investors, ("5000.00", "3000.00", "2000.00"), strict=True):
        subscribe_paid(offer, investor, amount)
    assert close_now(offer) == "funded"
    return start_on(offer, START)


def money_back(subscription) -> dict[str, int]:
    rows = db.session.execute(
        select(SubscriptionEvent.kind, func.sum(SubscriptionEvent.amount_cents))
        .where(
            SubscriptionEvent.subscription_id == subscription.id,
            SubscriptionEvent.kind.in_([EntryKind.INTEREST, EntryKind.PRINCIPAL]),
        )
        .group_by(SubscriptionEvent.kind)
    )
    return {kind.value: int(cents) for kind, cents in rows}


def test_the_issue_example_ten_thousand_at_five_percent_is_188_71(client, funded_loan):
    schedule = client.get(f"/api/v1/offers/{funded_loan.id}/schedule").json
    assert schedule["basis"] == "subscriptions"
    assert schedule["principal"] == "10000.00"
    first = schedule["instalments"][0]
    assert first["due_date"] == "2021-02-15"
    # Three schedules of 5000, 3000 and 2000: 94.36 + 56.61 + 37.74 = 188.71
    assert first["total"] == "188.71"
    assert len(schedule["instalments"]) == 60
    principal = sum(int(i["principal"].replace(".", "")) for i in schedule["instalments"])
    assert principal == 1_000_000
    example = client.get(f"/api/v1/offers/{funded_loan.id}/schedule?amount=10000.00").json
    assert example["basis"] == "amount"
    assert {i["total"] for i in example["instalments"][:59]} == {"188.71"}
    assert example["instalments"][-1]["total"] == "188.85"


def test_an_instalment_is_split_over_the_investors_to_the_cent(
    client, auth_headers, owner, funded_loan
):
    response = client.post(
        f"/api/v1/offers/{funded_loan.id}/repayments",
        json={"amount": "188.71", "paid_on": "2021-02-15"},
        headers=auth_headers(owner),
    )
    assert response.status_code == 201, response.json
    shares = response.json["shares"]
    # Each investor gets exactly their own first instalment: interest 1/12 of 5%, then principal.
    assert [(s["interest"], s["principal"]) for s in shares] == [
        ("20.83", "73.53"),
        ("12.50", "44.11"),
        ("8.33", "29.41"),
    ]
    assert sum(int((s["interest"] + s["principal"]).replace(".", "")) for s in shares) > 0
    total = sum(
        sum(money_back(s).values()) for s in subscriptions_of(db.session.get(Offer, funded_loan.id))
    )
    assert total == 18871
    assert response.json["status"] == "repaying"


def test_the_whole_schedule_paid_repays_everyone_exactly(owner, funded_loan):
    schedule = standings(subscriptions_of(funded_loan))
    due = {}
    for standing in schedule:
        for instalment in standing.schedule.instalments:
            due[instalment.due_date] = due.get(instalment.due_date, 0) + instalment.total_cents
    for day, cents in sorted(due.items()):
        if day <= date(2026, 1, 15):
            repayments.record_repayment(owner, funded_loan.id, f"{cents / 100:.2f}", day)
    offer = db.session.get(Offer, funded_loan.id)
    assert offer.status == OfferStatus.REPAID
    for standing in standings(subscriptions_of(offer), date(2026, 1, 15)):
        assert standing.subscription.status == SubscriptionStatus.REPAID
        assert standing.outstanding_cents == 0
        assert money_back(standing.subscription)["principal"] == standing.invested_cents
        assert (
            money_back(standing.subscription)["interest"] == standing.schedule.total_interest_cents
        )


def test_an_odd_payment_is_split_pro_rata_and_sums_exactly(owner, funded_loan):
    _record, split = repayments.record_repayment(owner, funded_loan.id, "100.01", date(2021, 2, 15))
    assert sum(i + p for i, p in split.values()) == 10001
    # What is due comes first, so everyone is paid interest before principal.
    assert [i for i, _p in split.values()] == [2083, 1250, 833]


def test_bad_repayments(client, auth_headers, owner, make_user, funded_loan, make_offer):
    url = f"/api/v1/offers/{funded_loan.id}/repayments"
    stranger = client.post(url, json={"amount": "10.00"}, headers=auth_headers(make_user()))
    assert stranger.status_code == 404
    too_much = client.post(url, json={"amount": "20000.00"}, headers=auth_headers(owner))
    assert too_much.status_code == 422 and "amount" in too_much.json["errors"]
    future = client.post(
        url, json={"amount": "10.00", "paid_on": "2999-01-01"}, headers=auth_headers(owner)
    )
    assert future.status_code == 422 and "paid_on" in future.json["errors"]
    client.post(url, json={"amount": "10.00", "paid_on": "2021-03-01"}, headers=auth_headers(owner))
    earlier = client.post(
        url, json={"amount": "10.00", "paid_on": "2021-02-20"}, headers=auth_headers(owner)
    )
    assert earlier.status_code == 422
    still_open = make_offer()
    not_funded = client.post(
        f"/api/v1/offers/{still_open.id}/repayments",
        json={"amount": "10.00"},
        headers=auth_headers(owner),
    )
    assert not_funded.status_code == 409


def test_late_instalments_are_flagged_and_reminded_once(owner, funded_loan):
    repayments.record_repayment(owner, funded_loan.id, "188.71", date(2021, 2, 15))
    assert repayments.flag_late_instalments(grace_days=3, on=date(2021, 3, 17)) == 0
    assert repayments.flag_late_instalments(grace_days=3, on=date(2021, 3, 18)) == 1
    offer = db.session.get(Offer, funded_loan.id)
    assert offer.late_since == date(2021, 3, 15)
    reminders = db.session.scalars(select(MailMessage).where(MailMessage.key.like("offer-late:%")))
    mails = list(reminders)
    assert [m.to for m in mails] == [owner.email]
    assert "188,71" in mails[0].text  # the open amount, in the owner's language
    repayments.flag_late_instalments(grace_days=3, on=date(2021, 3, 19))
    assert db.session.scalar(
        select(func.count()).select_from(MailMessage).where(MailMessage.key.like("offer-late:%"))
    ) == 1  # fmt: skip
    repayments.record_repayment(owner, funded_loan.id, "188.71", date(2021, 3, 20))
    repayments.flag_late_instalments(grace_days=3, on=date(2021, 3, 21))
    assert db.session.get(Offer, funded_loan.id).late_since is None


def test_an_admin_default_writes_off_what_is_outstanding(client, owner, admin, funded_loan):
    repayments.record_repayment(owner, funded_loan.id, "188.71", date(2021, 2, 15))
    offer = repayments.declare_default(admin, funded_loan.id, "Faillissement")
    assert offer.status == OfferStatus.DEFAULTED
    for standing in standings(subscriptions_of(offer)):
        assert standing.subscription.status == SubscriptionStatus.WRITTEN_OFF
        assert standing.outstanding_cents == 0
        assert standing.written_off_cents == standing.invested_cents - standing.principal_back_cents
    # The written-off principal keeps counting as invested input.
    invested = db.session.scalar(
        select(func.sum(InitiativeMonth.invested_cents)).where(
            InitiativeMonth.initiative_id == offer.initiative_id
        )
    )
    assert invested == 1_000_000 - (7353 + 4411 + 2941)
    with pytest.raises(Exception):  # noqa: B017
        repayments.declare_default(owner, funded_loan.id)


def test_member_shares_register_and_exit(client, login, owner, make_offer, make_user):
    offer = make_offer(kind="member_share", unit_price="50.00", target="500.00", minimum="50.00",
                       maximum="500.00")  # fmt: skip
    members = [pass_checks(make_user(name=f"Lid {n}")) for n in range(2)]
    first = subscribe_paid(offer, members[0], units=6)
    subscribe_paid(offer, members[1], units=4)
    assert close_now(offer) == "funded"
    start_on(offer, date(2024, 5, 1))
    assert client.get(f"/api/v1/offers/{offer.id}/schedule").status_code == 409

    repayments.record_exit(owner, first.id, date(2025, 1, 31))
    assert money_back(first) == {"principal": 30000}
    login(owner)
    csv_text = client.get(f"/offers/{offer.id}/register.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0] == "member,email,on_behalf_of,shares,nominal_eur,date_in,date_out"
    assert lines[1].startswith("Lid 0,") and lines[1].endswith(",6,300.00,2024-05-01,2025-01-31")
    assert lines[2].endswith(",4,200.00,2024-05-01,")
    series = db.session.scalars(
        select(FunderSeries).where(FunderSeries.kind == "member_share")
    ).all()
    assert sorted(s.given_cents[-1] for s in series) == [0, 20000]
    assert db.session.get(Offer, offer.id).status == OfferStatus.FUNDED  # shares stop there
