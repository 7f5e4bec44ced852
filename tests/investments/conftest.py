"""Fixtures for the investments tests: an initiative with an owner, an admin, investors who
passed the checks, and offers made, approved, subscribed to and closed through the services."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.donations.providers import get_provider
from marketplace.donations.simulator_state import SimulatorPayment
from marketplace.extensions import db
from marketplace.figures import build, invested, refresh
from marketplace.investments import offers, protection
from marketplace.investments.closing import close_offer
from marketplace.investments.knowledge import load_test
from marketplace.investments.models import EntryKind, Offer, Subscription
from marketplace.investments.payments import refresh_payment
from marketplace.investments.subscribe import start_subscription
from marketplace.timeutil import AMSTERDAM, utcnow
from tests.donations.conftest import configured

LOAN = {
    "kind": "loan",
    "title": "Zonnedak op het buurthuis",
    "target": "10000.00",
    "minimum": "100.00",
    "maximum": "10000.00",
    "interest_rate": "5.00",
    "term_months": 60,
    "repayment": "annuity",
    "frequency": "monthly",
    "use_of_proceeds": "Panelen en omvormers.",
    "risks": "Minder zon dan verwacht.",
}


@pytest.fixture(autouse=True)
def generous_checkout_limit(app):
    with configured(app, CHECKOUT_RATE_LIMIT="10000 per minute"):
        yield


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


@pytest.fixture
def admin(make_user):
    return make_user(name="Ada Admin", role=Role.ADMIN)


@pytest.fixture
def initiative(make_initiative, owner):
    return make_initiative(owner=owner, name="Energiecooperatie Zon")


def correct_answers() -> dict[str, str]:
    return {q.id: q.correct for q in load_test().questions}


def pass_checks(user, net_income="40000", liquid_assets="30000", commitments="10000"):
    """The knowledge test passed and the loss simulation done (net worth € 60.000)."""
    protection.take_test(user, correct_answers(), "nl")
    protection.simulate_loss(user, net_income, liquid_assets, commitments)
    return user


@pytest.fixture
def investor(make_user):
    return pass_checks(make_user(name="Ivo Investor"))


@pytest.fixture
def make_offer(owner, admin, initiative):
    """An offer on LOAN terms (overridable), approved and open from yesterday for a week."""

    def factory(approve=True, **terms):
        now = utcnow()
        data = {
            **LOAN,
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
            **terms,
        }
        offer = offers.create_offer(owner, initiative.id, data)
        if approve:
            offers.submit_offer(owner, offer.id)
            offers.approve_offer(admin, offer.id)
        return db.session.get(Offer, offer.id)

    return factory


def pay(subscription: Subscription, outcome: str = "paid") -> Subscription:
    """The investor chooses `outcome` on the simulator page; the same refresh a webhook gives."""
    get_provider("simulator").choose(subscription.provider_payment_id, outcome)
    refresh_payment("simulator", subscription.provider_payment_id, "test")
    return db.session.get(Subscription, subscription.id)


def subscribe_paid(offer, user, amount=None, units=None, **options) -> Subscription:
    subscription = start_subscription(
        user, offer.id, amount=amount, units=units, acknowledge_risk=True, **options
    )
    return pay(subscription)


def due_now(offer) -> Offer:
    """Make an offer due: its closing time and its investors' reflection periods just passed."""
    offer = db.session.get(Offer, offer.id)
    offer.closes_at = utcnow() - timedelta(seconds=1)
    for subscription in subscriptions_of(offer):
        subscription.reflection_ends_at = min(subscription.reflection_ends_at, offer.closes_at)
    db.session.commit()
    return offer


def close_now(offer) -> str:
    """Close an offer now, as if it had just become due."""
    outcome = close_offer(due_now(offer).id)
    return outcome.value if outcome else None


def simulator_refunds(subscription) -> list[dict]:
    row = db.session.get(SimulatorPayment, subscription.provider_payment_id)
    return json.loads(row.refunds_json or "[]")


def start_on(offer, day: date) -> Offer:
    """Move a funded offer into the past: its repayment start (and closing) on `day`, its
    investors' payments the day before, for exact schedules and dated flows."""
    offer = db.session.get(Offer, offer.id)
    offer.repayment_start = day
    offer.closed_at = datetime.combine(day, time(12), tzinfo=AMSTERDAM)
    for subscription in subscriptions_of(offer):
        subscription.paid_at = datetime.combine(day - timedelta(days=1), time(12), tzinfo=AMSTERDAM)
        for event in subscription.events:
            if event.kind == EntryKind.PAYMENT:
                event.occurred_on = day - timedelta(days=1)
    db.session.commit()
    refresh.update({offer.initiative_id}, lambda: rebuild(offer.initiative_id))
    return offer


def rebuild(initiative_id: int) -> None:
    build.rebuild_initiatives([initiative_id])
    invested.rebuild_investment_funders([initiative_id])


def subscriptions_of(offer) -> list[Subscription]:
    return list(
        db.session.scalars(
            select(Subscription).where(Subscription.offer_id == offer.id).order_by(Subscription.id)
        )
    )
