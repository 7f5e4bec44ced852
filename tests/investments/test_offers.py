"""Offers through the API: created by owners, refused with field errors, approved by admins,
versioned information sheets, the public list and its filters."""

from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.investments.models import OfferSheet
from marketplace.timeutil import utcnow
from tests.investments.conftest import LOAN


def offer_body(initiative, **changes):
    now = utcnow()
    body = {
        **LOAN,
        "initiative_id": initiative.id,
        "opens_at": (now - timedelta(days=1)).date().isoformat(),
        "closes_at": (now + timedelta(days=10)).date().isoformat(),
    }
    body.update(changes)
    return body


def test_owner_creates_a_draft_offer_with_the_issue_field_names(
    client, auth_headers, owner, initiative
):
    response = client.post(
        "/api/v1/offers", json=offer_body(initiative), headers=auth_headers(owner)
    )
    assert response.status_code == 201, response.json
    data = response.json
    assert data["status"] == "draft"
    assert data["kind"] == "loan"
    assert data["target"] == "10000.00"
    assert data["minimum"] == "100.00"
    assert data["maximum"] == "10000.00"
    assert data["unit_price"] is None
    assert data["interest_rate"] == "5.00"
    assert data["term_months"] == 60
    assert data["repayment"] == "annuity"
    assert data["frequency"] == "monthly"
    assert data["all_or_nothing"] is True
    assert data["sheet_version"] is None
    # A draft is not public.
    assert client.get(f"/api/v1/offers/{data['id']}").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interest_rate": "-1.00"}, "interest_rate"),
        ({"term_months": 0}, "term_months"),
        ({"closes_at": "2020-01-01", "opens_at": "2020-02-01"}, "closes_at"),
        ({"interest_rate": "4.555"}, "interest_rate"),
        ({"minimum": "500.00", "maximum": "200.00"}, "maximum"),
        ({"term_months": 61, "frequency": "quarterly"}, "term_months"),
        ({"kind": "bond"}, "unit_price"),
        ({"kind": "share"}, "kind"),
    ],
)
def test_bad_terms_are_422_with_field_errors(
    client, auth_headers, owner, initiative, changes, field
):
    response = client.post(
        "/api/v1/offers", json=offer_body(initiative, **changes), headers=auth_headers(owner)
    )
    assert response.status_code == 422
    assert field in response.json["errors"], response.json
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_someone_who_does_not_own_the_initiative_gets_404(
    client, auth_headers, make_user, initiative
):
    response = client.post(
        "/api/v1/offers", json=offer_body(initiative), headers=auth_headers(make_user())
    )
    assert response.status_code == 404


def test_submit_approve_and_a_change_after_approval_needs_approval_again(
    client, auth_headers, owner, admin, initiative, make_user
):
    headers = auth_headers(owner)
    offer_id = client.post("/api/v1/offers", json=offer_body(initiative), headers=headers).json[
        "id"
    ]
    submitted = client.post(f"/api/v1/offers/{offer_id}/submit", headers=headers)
    assert submitted.json["status"] == "in_review"
    assert submitted.json["pending_sheet_version"] == 1

    refused = client.post(f"/api/v1/offers/{offer_id}/approve", headers=auth_headers(make_user()))
    assert refused.status_code == 403
    approved = client.post(f"/api/v1/offers/{offer_id}/approve", headers=auth_headers(admin))
    assert approved.status_code == 200
    assert approved.json["status"] == "open"
    assert approved.json["sheet_version"] == 1

    changed = client.patch(
        f"/api/v1/offers/{offer_id}", json={"risks": "Ook hagel."}, headers=headers
    )
    assert changed.status_code == 200
    assert changed.json["status"] == "in_review"
    assert changed.json["sheet_version"] == 1  # investors still see the approved version
    assert changed.json["pending_sheet_version"] == 2
    again = client.post(f"/api/v1/offers/{offer_id}/approve", headers=auth_headers(admin))
    assert again.json["sheet_version"] == 2
    sheets = db.session.query(OfferSheet).filter_by(offer_id=offer_id).order_by("version").all()
    assert [s.content["risks"] for s in sheets] == ["Minder zon dan verwacht.", "Ook hagel."]
    assert all(s.approved_at is not None for s in sheets)


def test_financial_terms_are_fixed_once_someone_subscribed(
    client, auth_headers, owner, make_offer, investor
):
    from marketplace.investments.subscribe import start_subscription

    offer = make_offer()
    start_subscription(investor, offer.id, amount="500.00")
    response = client.patch(
        f"/api/v1/offers/{offer.id}", json={"interest_rate": "6.00"}, headers=auth_headers(owner)
    )
    assert response.status_code == 409
    below = client.patch(
        f"/api/v1/offers/{offer.id}",
        json={"target": "400.00", "maximum": "400.00"},
        headers=auth_headers(owner),
    )
    assert below.status_code == 422
    assert "target" in below.json["errors"]


def test_list_filters_by_kind_theme_and_rate(client, make_offer, initiative):
    loan = make_offer(interest_rate="4.50")
    bond = make_offer(kind="bond", unit_price="250.00", interest_rate="6.00", target="10000.00",
                      minimum="250.00", maximum="5000.00")  # fmt: skip
    share = make_offer(kind="member_share", unit_price="50.00", target="5000.00",
                       minimum="50.00", maximum="1000.00")  # fmt: skip
    make_offer(approve=False)  # a draft is never listed

    def ids(query=""):
        return [o["id"] for o in client.get(f"/api/v1/offers{query}").json["items"]]

    assert set(ids()) == {loan.id, bond.id, share.id}
    assert ids("?kind=bond") == [bond.id]
    assert set(ids("?rate=4.50")) == {loan.id, bond.id}
    assert ids("?rate=5") == [bond.id]
    assert set(ids(f"?theme={initiative.theme.value}")) == {loan.id, bond.id, share.id}
    assert ids("?theme=sport") == []
    bad = client.get("/api/v1/offers?kind=shares&rate=abc")
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"kind", "rate"}
    member = client.get(f"/api/v1/offers/{share.id}").json
    assert member["interest_rate"] == "0.00" and member["term_months"] is None


def test_admin_rejects_with_a_reason_back_to_draft(owner, admin, make_offer):
    from marketplace.errors import InvalidInput
    from marketplace.investments import offers

    offer = make_offer(approve=False)
    offers.submit_offer(owner, offer.id)
    with pytest.raises(InvalidInput):
        offers.reject_offer(admin, offer.id, "")
    rejected = offers.reject_offer(admin, offer.id, "Beschrijf de risico's beter.")
    assert rejected.status.value == "draft"
    assert rejected.review_note == "Beschrijf de risico's beter."
