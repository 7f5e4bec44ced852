"""The demo: made through the services (the money invariant holds for every gift), idempotent,
and complete enough for every demo role: a foundation portfolio with social value, reports in
the archive for the last complete months, a filled exchange."""

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.accounts.services import create_api_token, find_user_by_email
from marketplace.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from marketplace.demo.portfolios import ORGANISATION_NAME
from marketplace.demo.reports import last_complete_months
from marketplace.donations.models import (
    Contribution,
    ContributionEvent,
    ContributionStatus,
    RecurringGift,
    RecurringStatus,
)
from marketplace.donations.simulator_state import SimulatorPayment
from marketplace.events.models import Event, Rsvp, RsvpStatus
from marketplace.exchange.models import ExchangeQuote
from marketplace.extensions import db
from marketplace.figures.models import FunderSeries, InitiativeMonth
from marketplace.impact.models import Metric, OutcomeReport, ReportStatus
from marketplace.impact.parsing import amsterdam_today
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.organisations.models import Organisation
from marketplace.portfolios.build import build_portfolio
from marketplace.reporting.models import OwnerType, Report
from marketplace.reviews.models import Review
from marketplace.timeutil import as_utc, utcnow
from marketplace.volunteering.models import Signup, Task


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def bearer(email: str) -> dict:
    _token, plaintext = create_api_token(find_user_by_email(email), "test")
    return {"Authorization": f"Bearer {plaintext}"}


def test_demo_prints_the_log_ins_of_the_readme(demo):
    assert DEMO_PASSWORD in demo
    for email, _name, _role, _kind in DEMO_ACCOUNTS:
        assert email in demo


def test_loading_the_demo_again_changes_nothing(demo, runner):
    before = table_counts()
    assert before["contributions"] > 0 and before["reports"] > 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "made 0 gifts, 0 outcome reports and 0 impact reports" in again.output
    assert table_counts() == before
    skipped = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in skipped.output
    assert table_counts() == before


def test_demo_covers_every_theme_and_many_places(demo):
    initiatives = db.session.scalars(select(Initiative)).all()
    assert len(initiatives) >= 24
    assert all(i.status == InitiativeStatus.PUBLISHED for i in initiatives)
    assert {i.theme for i in initiatives} == set(Theme)
    assert len({i.municipality for i in initiatives}) >= 15


def test_every_demo_gift_keeps_the_money_invariant(demo):
    contributions = db.session.scalars(select(Contribution)).all()
    ledger = dict(
        db.session.execute(
            select(
                ContributionEvent.contribution_id, func.sum(ContributionEvent.amount_cents)
            ).group_by(ContributionEvent.contribution_id)
        ).all()
    )
    for contribution in contributions:
        paid = contribution.amount_cents if contribution.paid_at else 0
        net = paid - contribution.refunded_cents - contribution.charged_back_cents
        assert ledger.get(contribution.id, 0) == net == contribution.net_cents, contribution
        assert contribution.provider == "simulator" and not contribution.flagged
    statuses = {c.status for c in contributions}
    assert {
        ContributionStatus.PAID,
        ContributionStatus.PARTIALLY_REFUNDED,
        ContributionStatus.CHARGED_BACK,
        ContributionStatus.CANCELED,
    } <= statuses
    # Every paid gift was paid at the provider's side too, at the same moment, in the past.
    payments = {p.id: p for p in db.session.scalars(select(SimulatorPayment))}
    for contribution in contributions:
        if contribution.paid_at is not None:
            payment = payments[contribution.provider_payment_id]
            assert payment.status == "paid" and payment.paid_at == contribution.paid_at


def test_monthly_gifts_run_with_a_payment_per_month(demo):
    gifts = db.session.scalars(select(RecurringGift)).all()
    assert len(gifts) == 2
    assert all(g.status == RecurringStatus.ACTIVE and g.provider_subscription_id for g in gifts)
    foundation_gift = next(g for g in gifts if g.organisation_id is not None)
    assert len(foundation_gift.contributions) == 14
    assert all(c.status == ContributionStatus.PAID for c in foundation_gift.contributions)


def test_demo_outcome_reports_wait_for_review_and_one_is_rejected(demo):
    statuses = db.session.scalars(select(OutcomeReport.status)).all()
    assert statuses.count(ReportStatus.SUBMITTED) == 1
    assert statuses.count(ReportStatus.REJECTED) == 1
    assert statuses.count(ReportStatus.ACCEPTED) >= 50
    assert db.session.scalar(select(func.count()).select_from(Metric)) >= 40


def test_demo_foundation_portfolio_has_holdings_with_social_value(demo, client):
    foundation = db.session.scalar(
        select(Organisation).where(Organisation.name == ORGANISATION_NAME)
    )
    portfolio = build_portfolio(foundation)
    valued = [h for h in portfolio.holdings if h.attributed_value > 0]
    assert len(portfolio.holdings) >= 8 and len(valued) >= 5
    response = client.get(
        f"/api/v1/organisations/{foundation.id}/portfolio",
        headers=bearer("fonds@impactbeurs.test"),
    )
    assert response.status_code == 200
    assert float(response.json["totals"]["attributed_social_value"]) > 0


def test_exchange_is_filled_at_once(demo, client):
    quoted = db.session.scalar(select(func.count()).select_from(ExchangeQuote))
    assert quoted >= 15
    response = client.get("/exchange/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Buurtzorgcoöperatie Oosterpark" in page
    assert page.count("data-initiative-id=") >= 15


def test_archive_has_reports_for_the_last_complete_months(demo):
    months = last_complete_months(amsterdam_today())
    foundation = db.session.scalar(
        select(Organisation.id).where(Organisation.name == ORGANISATION_NAME)
    )
    starts = set(
        db.session.scalars(
            select(Report.period_start).where(
                Report.owner_type == OwnerType.ORGANISATION, Report.owner_id == foundation
            )
        )
    )
    assert {f"{start:%Y-%m}" for start in starts} == set(months)
    donor = find_user_by_email("donor@impactbeurs.test")
    donor_starts = db.session.scalars(
        select(Report.period_start).where(
            Report.owner_type == OwnerType.USER, Report.owner_id == donor.id
        )
    ).all()
    assert len(donor_starts) == len(months)


def test_archive_rows_say_whose_report_it_is(demo, client, login):
    user = login(find_user_by_email("fonds@impactbeurs.test"), DEMO_PASSWORD)
    page = client.get("/impact-reports").get_data(as_text=True)
    assert ORGANISATION_NAME in page
    assert "Persoonlijk" in page
    response = client.get("/api/v1/reports?per_page=100", headers=bearer(user.email))
    assert response.status_code == 200
    owners = {(item["owner_type"], item["owner_name"]) for item in response.json["items"]}
    assert owners == {("organisation", ORGANISATION_NAME), ("user", "Fatima El Fonds")}


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (date(2026, 11, 30), ["2026-08", "2026-09", "2026-10"]),
        (date(2027, 2, 1), ["2026-11", "2026-12", "2027-01"]),
    ],
)
def test_last_complete_months(today, months):
    assert last_complete_months(today) == months


def test_demo_neighbourhood_has_profiles_follows_and_updates(demo, client):
    assert client.get("/people/daan").status_code == 200
    assert "Ingrid" in client.get("/people/ingrid").get_data(as_text=True)
    feed = client.get("/api/v1/feed", headers=bearer("donor@impactbeurs.test")).get_json()
    assert {item["kind"] for item in feed["items"]} >= {"update"}
    assert len(feed["items"]) >= 3


def test_demo_events_and_reviews(demo, client):
    found = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert {e.kind.value for e in found} == {"campus", "academy", "cafe_debate", "meetup"}
    past = found[0]
    assert as_utc(past.ends_at) < utcnow()
    checked_in = select(func.count()).where(
        Rsvp.event_id == past.id, Rsvp.checked_in_at.is_not(None)
    )
    assert db.session.scalar(checked_in.select_from(Rsvp)) == 2
    assert (
        db.session.scalar(select(func.count()).where(Review.verified.is_(True)).select_from(Review))
        >= 3
    )
    waiting = select(func.count()).where(Rsvp.status == RsvpStatus.WAITLISTED).select_from(Rsvp)
    assert db.session.scalar(waiting) == 1
    page = client.get("/events").get_data(as_text=True)
    assert "Impact Academy" in page and "Buurtcampus" not in page  # upcoming only
    assert client.get(f"/events/{past.id}").status_code == 200


def test_demo_has_tasks_and_confirmed_hours(demo):
    assert db.session.scalar(select(func.count()).select_from(Task)) >= 5
    assert db.session.scalar(
        select(func.count()).select_from(Signup).where(Signup.confirmed_minutes == 150)
    )
    assert db.session.scalar(select(func.sum(InitiativeMonth.volunteer_cents))) == 4700
    assert db.session.scalar(
        select(func.count()).select_from(FunderSeries).where(FunderSeries.kind == "time")
    )
