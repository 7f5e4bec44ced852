"""Fixtures for payouts: gifts with tips and fees made through the one status path."""

import itertools

import pytest

from marketplace.donations.models import Contribution
from marketplace.donations.providers.base import (
    ProviderChargeback,
    ProviderPayment,
    ProviderRefund,
)
from marketplace.donations.status import apply_payment_status
from marketplace.extensions import db

_ids = itertools.count(1)


@pytest.fixture
def initiative(make_initiative):
    return make_initiative(name="Voedselbank Noord")


@pytest.fixture
def donor(make_user):
    return make_user(name="Dina Donor")


@pytest.fixture
def gift(initiative, donor):
    """A paid gift (simulator) of `amount` with `tip` and `fee`, through the status path."""

    def make(amount=2500, tip=0, fee=0, destination=None, provider="simulator"):
        n = next(_ids)
        contribution = Contribution(
            initiative_id=initiative.id, user_id=donor.id, amount_cents=amount, tip_cents=tip,
            fee_cents=fee, provider=provider, provider_payment_id=f"sim_payout_{n}",
            destination_account=destination, donor_name=donor.name, donor_email=donor.email,
        )  # fmt: skip
        db.session.add(contribution)
        db.session.commit()
        answer(contribution, "paid")
        return db.session.get(Contribution, contribution.id)

    return make


def answer(contribution, status="paid", refunds=(), chargebacks=()):
    """The provider's answer about a gift, applied through the one status path."""
    payment = ProviderPayment(
        payment_id=contribution.provider_payment_id,
        status=status,
        amount_cents=contribution.charged_cents,
        currency="EUR",
        refunds=tuple(ProviderRefund(*r) for r in refunds),
        chargebacks=tuple(ProviderChargeback(*c) for c in chargebacks),
    )
    apply_payment_status(contribution.id, payment, source="test")
    return db.session.get(Contribution, contribution.id)
