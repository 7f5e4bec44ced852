"""POST/GET /api/v1/donations: own donations only, amounts as strings, 422 on bad input."""

import pytest

from marketplace.donations.models import Contribution
from marketplace.extensions import db


@pytest.fixture
def headers(auth_headers, donor):
    return auth_headers(donor)


def test_create_donation_returns_checkout(client, headers, initiative):
    response = client.post(
        "/api/v1/donations",
        json={"initiative_id": initiative.id, "amount": "25.00", "currency": "EUR"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "open" and body["amount"] == "25.00"
    assert body["checkout_url"].startswith("http://127.0.0.1:5000/donations/simulator/sim_")
    assert client.get(f"/api/v1/donations/{body['id']}", headers=headers).status_code == 200
    listing = client.get("/api/v1/donations", headers=headers).get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == body["id"]


@pytest.mark.parametrize(
    "amount", ["0", "-1.00", "1.2345", "25000.01", "abc", 0, "0.50", "1.500.00"]
)
def test_invalid_amounts_are_422(client, headers, initiative, amount):
    response = client.post(
        "/api/v1/donations", json={"initiative_id": initiative.id, "amount": amount},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert "amount" in response.get_json()["errors"]
    assert db.session.query(Contribution).count() == 0


def test_unknown_organisation_is_refused(client, headers, initiative):
    response = client.post(
        "/api/v1/donations",
        json={"initiative_id": initiative.id, "amount": "5", "organisation_id": 999999},
        headers=headers,
    )
    assert response.status_code == 422
    assert "organisation_id" in response.get_json()["errors"]
    assert db.session.query(Contribution).count() == 0


def test_someone_elses_donation_is_404(client, headers, auth_headers, make_user, initiative):
    created = client.post(
        "/api/v1/donations", json={"initiative_id": initiative.id, "amount": "5"}, headers=headers
    ).get_json()
    other = auth_headers(make_user())
    assert client.get(f"/api/v1/donations/{created['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/donations", headers=other).get_json()["total"] == 0


def test_anonymous_caller_gets_401(client, initiative):
    response = client.post(
        "/api/v1/donations", json={"initiative_id": initiative.id, "amount": "5"}
    )
    assert response.status_code == 401


def test_checkout_rate_limit_is_configurable(app, client, headers, initiative):
    app.config["CHECKOUT_RATE_LIMIT"] = "2 per minute"
    codes = [
        client.post(
            "/api/v1/donations",
            json={"initiative_id": initiative.id, "amount": str(5 + n)},
            headers=headers,
        ).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]


@pytest.mark.parametrize("amount", ["1500.00", "1.500,00", "1500,00", 1500])
def test_the_api_reads_amounts_with_the_same_parser(client, headers, initiative, amount):
    response = client.post(
        "/api/v1/donations", json={"initiative_id": initiative.id, "amount": amount},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["amount"] == "1500.00"
