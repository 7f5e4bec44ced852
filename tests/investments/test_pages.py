"""The HTML side: the offers list and page with the sheet (nl/en, HTML/PDF) and the notices, the
subscribe flow with its checks in order, the investor's pages, and the owner's and admin's."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.investments.models import Offer, OfferStatus, Subscription, SubscriptionStatus
from marketplace.timeutil import utcnow
from tests.investments.conftest import (
    close_now,
    correct_answers,
    pass_checks,
    start_on,
    subscribe_paid,
)


def test_offers_list_and_filters(client, make_offer):
    loan = make_offer(title="Warmtenet Noord", interest_rate="4.50")
    page = client.get("/offers")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Warmtenet Noord" in text
    assert 'data-testid="risk-warning"' in text and 'data-testid="licence"' in text
    assert "4,50%" in text
    assert "Warmtenet Noord" not in client.get("/offers?rate=5").get_data(as_text=True)
    assert "Warmtenet Noord" in client.get("/offers?kind=loan&theme=care").get_data(as_text=True)
    assert client.get("/offers?rate=abc").status_code == 422
    assert loan.id


def test_offer_page_shows_the_sheet_notices_and_the_example(client, make_offer):
    offer = make_offer()
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert 'data-testid="sheet"' in page
    assert "Deel A" in page and "Bedenktijd" in page
    assert "geverifieerd noch goedgekeurd" in page
    assert 'data-testid="risk-warning"' in page
    assert "18,87" in page  # € 1.000 at 5% over 60 months: the first instalment
    english = client.get(f"/offers/{offer.id}/sheet?lang=en").get_data(as_text=True)
    assert "Part A. The project owner and the project" in english
    assert "Right of reflection" in english
    pdf = client.get(f"/offers/{offer.id}/sheet.pdf?lang=nl")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    draft = make_offer(approve=False)
    assert client.get(f"/offers/{draft.id}").status_code == 404
    assert client.get(f"/offers/{draft.id}/sheet").status_code == 404


def test_subscribe_flow_checks_in_order(client, login, make_user, make_offer):
    offer = make_offer()
    user = login(make_user())
    first = client.get(f"/offers/{offer.id}/subscribe")
    assert first.status_code == 403
    assert "/investments/knowledge-test" in first.get_data(as_text=True)
    wrong = {f"q-{q}": "a" for q in correct_answers()}
    taught = client.post(f"/investments/knowledge-test?next_offer={offer.id}", data=wrong)
    assert 'data-testid="explanation"' in taught.get_data(as_text=True)
    right = {f"q-{q}": choice for q, choice in correct_answers().items()}
    passed = client.post(f"/investments/knowledge-test?next_offer={offer.id}", data=right)
    assert "continue-subscribing" in passed.get_data(as_text=True)
    second = client.get(f"/offers/{offer.id}/subscribe")
    assert second.status_code == 403
    assert "/investments/loss-simulation" in second.get_data(as_text=True)
    simulated = client.post(
        f"/investments/loss-simulation?next_offer={offer.id}",
        data={"net_income": "30000", "liquid_assets": "10000", "commitments": "0"},
    )
    assert "4.000,00" in simulated.get_data(as_text=True)  # 10% of € 40.000
    form = client.get(f"/offers/{offer.id}/subscribe")
    assert form.status_code == 200 and 'data-testid="subscribe-form"' in form.get_data(as_text=True)
    unread = client.post(f"/offers/{offer.id}/subscribe", data={"amount": "500"})
    assert unread.status_code == 422
    risky = client.post(f"/offers/{offer.id}/subscribe", data={"amount": "2500", "read_sheet": "y"})
    assert risky.status_code == 422  # above max(€ 1.000, 5% of € 40.000): the warning first
    done = client.post(
        f"/offers/{offer.id}/subscribe",
        data={"amount": "2500", "read_sheet": "y", "acknowledge_risk": "y", "method": "ideal"},
    )
    assert done.status_code == 303
    assert "/donations/simulator/sim_" in done.headers["Location"]
    subscription = db.session.scalar(select(Subscription).where(Subscription.user_id == user.id))
    back = client.post(done.headers["Location"], data={"outcome": "paid"})
    assert back.headers["Location"].endswith(f"/investments/subscriptions/{subscription.id}/return")
    page = client.get(urlsplit(back.headers["Location"]).path).get_data(as_text=True)
    assert 'data-testid="revoke"' in page
    db.session.refresh(subscription)
    assert subscription.status == SubscriptionStatus.RESERVED


def test_overview_revoke_and_statements(client, login, investor, make_offer):
    offer = make_offer()
    subscription = subscribe_paid(offer, investor, "300.00")
    login(investor)
    overview = client.get("/investments").get_data(as_text=True)
    assert f'data-subscription-id="{subscription.id}"' in overview
    revoked = client.post(f"/investments/subscriptions/{subscription.id}/revoke")
    assert revoked.status_code == 302
    db.session.refresh(subscription)
    assert subscription.status == SubscriptionStatus.REVOKED
    assert client.post(f"/investments/subscriptions/{subscription.id}/revoke").status_code == 409
    year = utcnow().year
    statement = client.get(f"/investments/statements/{year}")
    assert statement.status_code == 200
    assert client.get(f"/investments/statements/{year}.pdf").data.startswith(b"%PDF")
    csv_text = client.get(f"/investments/statements/{year}.csv").get_data(as_text=True)
    assert csv_text.startswith("subscription_id,offer_id,offer,initiative,kind,status")
    assert client.get("/investments/statements/1999").status_code == 404
    assert client.get(f"/investments/statements/{year}?format=pdf").data.startswith(b"%PDF")
    assert client.get(f"/investments/statements/{year}?format=csv").mimetype == "text/csv"
    spec = client.get("/api/v1/openapi.json").json["paths"]
    assert {
        "/api/v1/offers", "/api/v1/offers/{offer_id}", "/api/v1/offers/{offer_id}/submit",
        "/api/v1/offers/{offer_id}/approve", "/api/v1/offers/{offer_id}/subscriptions",
        "/api/v1/subscriptions/{subscription_id}/revoke", "/api/v1/subscriptions",
        "/api/v1/offers/{offer_id}/schedule", "/api/v1/offers/{offer_id}/repayments",
        "/api/v1/investor-profile", "/api/v1/investor-profile/knowledge-test",
        "/api/v1/investor-profile/loss-simulation",
    } <= set(spec)  # fmt: skip


def test_yearly_statement_values_on_first_january(owner, make_offer, make_user):
    from marketplace.investments import repayments, statements

    lender = pass_checks(make_user())
    offer = make_offer(target="1200.00", maximum="1200.00", term_months=12)
    subscribe_paid(offer, lender, "1200.00")
    close_now(offer)
    offer = start_on(offer, date(2021, 7, 1))
    repayments.record_repayment(owner, offer.id, "102.73", date(2021, 8, 1))
    repayments.record_repayment(owner, offer.id, "102.73", date(2022, 1, 3))
    first = statements.year_statement(lender, 2021).rows[0]
    assert (first.value_start_cents, first.paid_in_cents) == (0, 120000)
    assert first.interest_cents == 500  # 1200 × 5% / 12
    assert first.repaid_cents == 10273 - 500
    second = statements.year_statement(lender, 2022).rows[0]
    assert second.value_start_cents == 120000 - (10273 - 500)  # the box 3 value
    assert second.value_start_cents == first.value_end_cents
    assert second.paid_in_cents == 0


def test_owner_creates_submits_and_records_through_pages(
    client, login, owner, admin, initiative, make_offer, make_user
):
    login(owner)
    assert 'data-testid="new-offer"' in client.get(f"/initiatives/{initiative.slug}").get_data(
        as_text=True
    )
    today = date.today()  # noqa: DTZ011 (a form date)
    form = {
        "kind": "bond", "title": "Obligaties buurtbatterij", "target": "20000",
        "minimum": "500", "maximum": "5000", "unit_price": "500", "interest_rate": "3.75",
        "term_months": "36", "repayment": "bullet", "frequency": "yearly",
        "opens_at": str(today), "closes_at": str(today + timedelta(days=30)),
        "all_or_nothing": "y", "use_of_proceeds": "Een batterij.", "risks": "Techniek.",
    }  # fmt: skip
    bad = client.post(
        f"/initiatives/{initiative.slug}/offers/new", data={**form, "interest_rate": "-2"}
    )
    assert bad.status_code == 422
    created = client.post(f"/initiatives/{initiative.slug}/offers/new", data=form)
    assert created.status_code == 302
    offer = db.session.scalar(select(Offer).where(Offer.title == "Obligaties buurtbatterij"))
    edit = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="3.75"' in edit
    client.post(f"/offers/{offer.id}/submit")
    assert db.session.get(Offer, offer.id).status == OfferStatus.IN_REVIEW
    login(admin)
    assert "Obligaties buurtbatterij" in client.get("/admin/offers").get_data(as_text=True)
    client.post(f"/admin/offers/{offer.id}/approve")
    assert db.session.get(Offer, offer.id).status == OfferStatus.OPEN
    stranger = login(make_user())
    assert client.get(f"/offers/{offer.id}/repayments").status_code == 404
    assert client.get(f"/offers/{offer.id}/edit").status_code == 404
    assert stranger
