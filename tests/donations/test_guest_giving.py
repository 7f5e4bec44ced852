"""Guest giving: a visitor gives once without an account (name and e-mail for the receipt) through
the same checkout and status path; registering later with that address adds the gift to the
account once the address is confirmed. Monthly giving still needs an account, and the API stays
authenticated."""

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus
from marketplace.extensions import db
from marketplace.figures.models import FunderSeries
from marketplace.figures.read import raised_cents


def guest_give(client, initiative, amount="25.00", **fields):
    data = {"amount": amount, "donor_name": "Gijs Gast", "donor_email": "Gijs@Example.org",
            **fields}  # fmt: skip
    return client.post(f"/initiatives/{initiative.slug}/give", data=data)


def newest() -> Contribution:
    return db.session.scalars(select(Contribution).order_by(Contribution.id.desc())).first()


def test_a_visitor_sees_the_guest_form(client, initiative):
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="give-form"' in page
    assert 'name="donor_name"' in page and 'name="donor_email"' in page
    assert 'name="interval"' not in page  # monthly needs an account
    assert 'data-testid="monthly-needs-account"' in page


def test_a_guest_gives_once_through_the_same_path(client, initiative, outbox):
    response = guest_give(client, initiative, message="Succes!")
    assert response.status_code == 303
    checkout = response.headers["Location"]
    gift = newest()
    assert gift.user_id is None and gift.donor_name == "Gijs Gast"
    assert gift.donor_email == "gijs@example.org" and gift.locale == "nl"

    back = client.post(checkout, data={"outcome": "paid"})
    assert back.status_code == 303
    return_url = back.headers["Location"]
    assert f"/donations/{gift.id}/return?token=" in return_url
    db.session.refresh(gift)
    assert gift.status == ContributionStatus.PAID and raised_cents(initiative.id) == 2500

    page = client.get(return_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="guest-register"' in html
    token = parse_qs(urlsplit(return_url).query)["token"][0]
    assert f"/donations/{gift.id}/status?token=" in html
    status = client.get(f"/donations/{gift.id}/status?token={token}").get_json()
    assert status["status"] == "paid" and status["final"] is True

    # Without the key: log in first; with another gift's key: not found.
    assert client.get(f"/donations/{gift.id}/return").status_code == 302
    assert client.get(f"/donations/{gift.id}/status?token=forged").status_code == 404
    other = guest_give(client, initiative, "11.00")
    assert other.status_code == 303
    assert client.get(f"/donations/{newest().id}/return?token={token}").status_code == 404

    mails = outbox()
    assert [m["To"] for m in mails] == ["gijs@example.org"]
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "Gijs Gast" in body and "/account/register" in body


def test_a_guest_retries_a_failed_payment(client, initiative):
    checkout = guest_give(client, initiative, "12.00").headers["Location"]
    back = client.post(checkout, data={"outcome": "failed"}).headers["Location"]
    first = newest()
    assert first.status == ContributionStatus.FAILED
    token = parse_qs(urlsplit(back).query)["token"][0]
    again = client.post(f"/donations/{first.id}/retry?token={token}")
    assert again.status_code == 303
    second = newest()
    assert second.id != first.id and second.user_id is None
    assert second.donor_email == "gijs@example.org" and second.amount_cents == 1200
    assert client.post(f"/donations/{first.id}/retry").status_code == 302  # no key: log in


def test_guest_input_is_checked_and_monthly_needs_an_account(client, initiative):
    for fields in (
        {"donor_name": ""},
        {"donor_email": "not-an-address"},
        {"donor_email": ""},
        {"interval": "monthly"},
        {"amount": "0,50"},
    ):
        response = guest_give(client, initiative, **fields)
        assert response.status_code == 422, fields
    monthly = guest_give(client, initiative, interval="monthly").get_data(as_text=True)
    assert "account" in monthly
    assert db.session.query(Contribution).count() == 0


def test_guest_giving_is_rate_limited_like_checkout(app, client, initiative):
    app.config["CHECKOUT_RATE_LIMIT"] = "2 per minute"
    codes = [guest_give(client, initiative, f"{5 + n}.00").status_code for n in range(3)]
    assert codes == [303, 303, 429]


def test_the_api_stays_authenticated(client, initiative):
    response = client.post(
        "/api/v1/donations", json={"initiative_id": initiative.id, "amount": "10.00"}
    )
    assert response.status_code == 401


def test_confirming_the_address_adds_the_guest_gifts(client, initiative, outbox):
    checkout = guest_give(client, initiative, "40.00").headers["Location"]
    client.post(checkout, data={"outcome": "paid"})
    gift = newest()
    stranger = client.post(
        f"/initiatives/{initiative.slug}/give",
        data={"amount": "7.00", "donor_name": "Iemand", "donor_email": "iemand@example.org"},
    )
    assert stranger.status_code == 303
    someone_else = newest()

    response = client.post(
        "/account/register",
        data={
            "name": "Gijs",
            "email": "GIJS@example.org",
            "password": "een-goed-wachtwoord",
            "confirm": "een-goed-wachtwoord",
        },  # fmt: skip
    )
    assert response.status_code == 302
    db.session.refresh(gift)
    assert gift.user_id is None  # registering alone proves nothing about the address
    [mail] = [m for m in outbox() if "/account/confirm/" in m.get_content()]
    link = re.search(r"http://\S+(/account/confirm/\S+)", mail.get_content()).group(1)
    client.get(link)
    client.post(
        "/account/login", data={"email": "gijs@example.org", "password": "een-goed-wachtwoord"}
    )
    db.session.refresh(gift)
    db.session.refresh(someone_else)
    user_id = gift.user_id
    assert user_id is not None and someone_else.user_id is None
    link = db.session.scalars(
        select(ContributionEvent).where(
            ContributionEvent.contribution_id == gift.id, ContributionEvent.source == "registration"
        )
    ).one()
    assert link.amount_cents == 0 and str(user_id) in link.detail
    # Part of the account now: its history, its portfolio (funder series), its yearly overview.
    account = client.get("/account").get_data(as_text=True)
    assert f"/donations/{gift.id}/return" in account
    series = db.session.scalars(
        select(FunderSeries.given_cents).where(FunderSeries.user_id == user_id)
    ).one()
    assert series[-1] == 4000
    assert "40,00" in client.get("/donations/overview").get_data(as_text=True)
    assert raised_cents(initiative.id) == 4000  # moved, not counted twice
