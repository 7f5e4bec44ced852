"""One portfolio, two returns: gifts and investments side by side, the investment at its
outstanding principal as input for attribution, with outstanding, interest received and XIRR."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from marketplace.investments import repayments
from marketplace.investments.positions import standings
from marketplace.portfolios.build import build_portfolio, funders_with_holdings
from tests.gifts import paid_gift
from tests.investments.conftest import (
    close_now,
    pass_checks,
    start_on,
    subscribe_paid,
    subscriptions_of,
)

START = date(2021, 1, 15)


@pytest.fixture
def lender(make_user):
    return pass_checks(make_user(name="Lotte Lender"))


@pytest.fixture
def loan(make_offer, lender, initiative):
    """€ 1.200 lent by one investor at 5% over 12 monthly annuity instalments from 15 January
    2021, beside a € 300 gift from the same person in January 2021."""
    paid_gift(initiative, 300_00, date(2021, 1, 10), user=lender)
    offer = make_offer(target="1200.00", maximum="1200.00", term_months=12)
    subscribe_paid(offer, lender, "1200.00")
    assert close_now(offer) == "funded"
    return start_on(offer, START)


def pay_instalments(owner, offer, count: int) -> None:
    schedule = standings(subscriptions_of(offer))[0].schedule
    for instalment in schedule.instalments[:count]:
        repayments.record_repayment(
            owner, offer.id, f"{instalment.total_cents / 100:.2f}", instalment.due_date
        )


def test_gift_and_loan_are_two_holdings_in_one_portfolio(
    client, auth_headers, owner, lender, loan, initiative
):
    pay_instalments(owner, loan, 6)
    data = client.get(
        "/api/v1/portfolio?from=2021-01&to=2021-12", headers=auth_headers(lender)
    ).json
    holdings = {h["kind"]: h for h in data["holdings"]}
    assert set(holdings) == {"gift", "loan"}
    gift, lent = holdings["gift"], holdings["loan"]
    assert gift["given"] == "300.00"
    assert gift["outstanding"] is None and gift["interest_received"] is None
    assert gift["xirr"] is None
    assert lent["initiative_id"] == initiative.id
    assert lent["invested"] == "1200.00"
    position = standings(subscriptions_of(loan), date(2021, 12, 31))[0]
    outstanding = position.outstanding_cents
    assert 0 < outstanding < 1200_00
    assert lent["outstanding"] == f"{outstanding / 100:.2f}"
    # The loan counts as input at the principal not yet repaid.
    assert lent["given"] == lent["outstanding"]
    assert lent["interest_received"] == f"{position.interest_cents / 100:.2f}"
    assert lent["xirr"] is not None
    assert lent["investment_status"] == "repaying"
    inputs = int(lent["initiative_inputs"].replace(".", ""))
    assert inputs == 300_00 + outstanding  # the gift and the capital still lent
    assert Decimal(lent["share"]) == (Decimal(outstanding) / inputs).quantize(Decimal("0.000001"))


def test_a_fully_repaid_loan_earns_its_rate_as_xirr(client, auth_headers, owner, lender, loan):
    pay_instalments(owner, loan, 12)
    data = client.get("/api/v1/portfolio", headers=auth_headers(lender)).json
    lent = next(h for h in data["holdings"] if h["kind"] == "loan")
    assert lent["outstanding"] == "0.00"
    assert lent["investment_status"] == "repaid"
    # 5% a year paid monthly is about 5.12% effective (docs/decisions.md, XIRR).
    assert lent["xirr"] in ("5.11", "5.12", "5.13")
    assert lent["given"] == "0.00"  # repaid capital no longer counts as input


def test_portfolio_pages_show_kind_and_the_financial_return(
    client, login, owner, lender, loan, initiative
):
    pay_instalments(owner, loan, 3)
    login(lender)
    page = client.get("/portfolio?period=all").get_data(as_text=True)
    assert 'data-kind="loan"' in page and 'data-kind="gift"' in page
    assert "Sociale lening" in page
    assert 'data-testid="xirr"' in page
    holding = client.get(f"/portfolio/holdings/{initiative.id}?kind=loan")
    assert holding.status_code == 200
    assert "Uitstaand" in holding.get_data(as_text=True)
    assert client.get(f"/portfolio/holdings/{initiative.id}?kind=bond").status_code == 404
    csv_text = client.get("/portfolio/holdings.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")), delimiter=";"))
    lent = next(r for r in rows if r["Soort"] == "Sociale lening")
    assert lent["Geïnvesteerd (EUR)"] == "1200,00"
    assert lent["XIRR"].startswith("0,")  # a fraction, like the share
    assert {"Uitstaand (EUR)", "Ontvangen rente (EUR)"} <= set(lent)


def test_investors_without_gifts_get_reports_too(make_user, make_offer):
    investor = pass_checks(make_user())
    offer = make_offer(target="500.00", maximum="500.00")
    subscribe_paid(offer, investor, "500.00")
    close_now(offer)
    assert investor.id in {f.id for f in funders_with_holdings() if f.__class__.__name__ == "User"}
    portfolio = build_portfolio(investor)
    assert [h.kind for h in portfolio.holdings] == ["loan"]


def test_an_organisation_invests_and_holds_the_loan(client, auth_headers, make_user, make_offer):
    from marketplace.organisations.services import create_organisation

    staff = pass_checks(make_user(name="Femke Fonds"))
    fund = create_organisation(staff, "Stichting Buurtfonds", "foundation")
    offer = make_offer(target="2000.00", maximum="2000.00")
    subscribe_paid(offer, staff, "2000.00", organisation_id=fund.id)
    close_now(offer)
    own = client.get("/api/v1/portfolio", headers=auth_headers(staff)).json
    assert own["holdings"] == []  # on the organisation's behalf, not the person's
    data = client.get(
        f"/api/v1/organisations/{fund.id}/portfolio", headers=auth_headers(staff)
    ).json
    assert [(h["kind"], h["invested"]) for h in data["holdings"]] == [("loan", "2000.00")]
    stranger = pass_checks(make_user())
    refused = client.post(
        f"/api/v1/offers/{make_offer().id}/subscriptions",
        json={"amount": "100.00", "organisation_id": fund.id},
        headers=auth_headers(stranger),
    )
    assert refused.status_code == 422 and "organisation_id" in refused.json["errors"]
