"""Paid gifts for tests, made the way real ones are: an open contribution, then the provider's
answer through the one status path (`apply_payment_status`), which writes the ledger and sends
`contribution_changed`, so the shared figures follow as they do in production."""

import itertools
from datetime import UTC, date, datetime

from marketplace.donations.models import Contribution, ContributionStatus
from marketplace.donations.providers.base import (
    ProviderChargeback,
    ProviderPayment,
    ProviderRefund,
)
from marketplace.donations.status import apply_payment_status
from marketplace.extensions import db

_ids = itertools.count(1)


def paid_gift(
    initiative,
    cents: int,
    paid_on: date | datetime,
    *,
    user=None,
    organisation=None,
    refunded: int = 0,
    charged_back: int = 0,
    method: str = "ideal",
) -> Contribution:
    """A gift of `cents` paid on `paid_on` (noon UTC for a date), refunded and charged back as
    given, for `user` (on behalf of `organisation`) or anonymously without either."""
    n = next(_ids)
    paid_at = (
        paid_on
        if isinstance(paid_on, datetime)
        else datetime(paid_on.year, paid_on.month, paid_on.day, 12, tzinfo=UTC)
    )
    contribution = Contribution(
        initiative_id=initiative.id,
        user_id=user.id if user else None,
        organisation_id=organisation.id if organisation else None,
        amount_cents=cents,
        currency="EUR",
        status=ContributionStatus.OPEN,
        provider="simulator",
        provider_payment_id=f"sim_test_{n}",
        method=method,
        donor_name=user.name if user else "",
        donor_email=user.email if user else "",
        created_at=paid_at,
    )
    db.session.add(contribution)
    db.session.commit()
    refunds = (ProviderRefund(f"re_test_{n}", refunded, "EUR", "refunded"),) if refunded else ()
    chargebacks = (
        (ProviderChargeback(f"chb_test_{n}", charged_back, "EUR"),) if charged_back else ()
    )
    payment = ProviderPayment(
        payment_id=contribution.provider_payment_id,
        status="paid",
        amount_cents=cents,
        currency="EUR",
        method=method,
        paid_at=paid_at,
        refunds=refunds,
        chargebacks=chargebacks,
    )
    apply_payment_status(contribution.id, payment, source="test")
    return db.session.get(Contribution, contribution.id)


def refund(gift: Contribution, cents: int, status: str = "refunded") -> Contribution:
    """The provider reports a (further) refund of `cents` on a paid gift."""
    n = next(_ids)
    payment = ProviderPayment(
        payment_id=gift.provider_payment_id,
        status="paid",
        amount_cents=gift.amount_cents,
        currency=gift.currency,
        paid_at=gift.paid_at,
        refunds=(ProviderRefund(f"re_test_{n}", cents, gift.currency, status),),
    )
    apply_payment_status(gift.id, payment, source="test")
    return db.session.get(Contribution, gift.id)
