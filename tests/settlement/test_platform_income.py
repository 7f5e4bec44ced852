"""Platform income: the tip (on top) and the fee (out of the gift) at the API and form edges, and
the figures, portfolios and social return counting only what reached the initiative."""

import pytest

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.figures.read import raised_cents
from tests.donations.conftest import configured
from tests.settlement.conftest import give


@pytest.fixture
def post(client, auth_headers, donor):
    headers = auth_headers(donor)

    def send(initiative, **fields):
        body = {"initiative_id": initiative.id, "amount": "25.00", **fields}
        return client.post("/api/v1/donations", json=body, headers=headers)

    return send


def test_the_answer_shows_amount_tip_and_fee_apart(app, post, initiative):
    with configured(app, PLATFORM_FEE_FIXED="0.50", PLATFORM_FEE_PERCENT="0"):
        response = post(initiative, tip="2.50")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["amount"], body["tip"], body["fee"], body["total"]) == (
        "25.00", "2.50", "0.50", "27.50",
    )  # fmt: skip
    assert body["received_by"] == "platform"
    contribution = db.session.get(Contribution, body["id"])
    assert (contribution.amount_cents, contribution.tip_cents, contribution.fee_cents) == (
        2500, 250, 50,
    )  # fmt: skip


def test_without_a_tip_and_with_the_default_settings_nothing_is_taken(post, initiative):
    body = post(initiative).get_json()
    assert (body["tip"], body["fee"], body["total"]) == ("0.00", "0.00", "25.00")


@pytest.mark.parametrize(
    ("fields", "settings", "field"),
    [
        ({"tip": "25.01"}, {}, "tip"),  # more than reaches the initiative
        ({"amount": "5.00", "tip": "4.01"}, {"PLATFORM_FEE_FIXED": "1.00"}, "tip"),
        ({"amount": "1.50"}, {"PLATFORM_FEE_FIXED": "2.00"}, "amount"),  # the fee alone
        ({"tip": "-1.00"}, {}, "tip"),
        ({"tip": "2.555"}, {}, "tip"),
        ({"tip": "abc"}, {}, "tip"),
    ],
)
def test_a_tip_or_fee_leaving_the_initiative_a_negative_share_is_422(
    app, post, initiative, fields, settings, field
):
    with configured(app, **settings):
        response = post(initiative, **fields)
    assert response.status_code == 422
    body = response.get_json()
    assert field in body["errors"] and body["code"] == 422
    assert db.session.query(Contribution).count() == 0


def test_a_tip_as_large_as_the_share_is_accepted(app, post, initiative):
    with configured(app, PLATFORM_FEE_FIXED="1.00"):
        response = post(initiative, amount="5.00", tip="4.00")
    assert response.status_code == 201


def test_the_give_form_shows_a_tip_error_on_the_field(browser, donor, initiative):
    client = browser(donor)
    response = client.post(
        f"/initiatives/{initiative.slug}/give",
        data={"amount": "10.00", "tip": "11.00", "interval": "once"},
    )
    assert response.status_code == 422
    assert 'id="tip-error"' in response.get_data(as_text=True)


def test_figures_count_only_what_reached_the_initiative(
    app, browser, donor, initiative, auth_headers
):
    client = browser(donor)
    with configured(app, PLATFORM_FEE_PERCENT="10"):
        gift = give(client, initiative, "40.00", tip="4.00")
    client.post(f"/donations/simulator/{gift.provider_payment_id}", data={"outcome": "paid"})
    db.session.refresh(gift)
    assert gift.net_cents == 3600
    assert raised_cents(initiative.id) == 3600  # not the 44.00 paid, nor the 40.00 gift
    portfolio = client.get("/api/v1/portfolio", headers=auth_headers(donor)).get_json()
    holding = next(h for h in portfolio["holdings"] if h["initiative_id"] == initiative.id)
    assert holding["given"] == "36.00"
